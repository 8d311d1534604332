import { ApiPropertyOptional } from '@nestjs/swagger';
import type { EraseExecutionsRequest } from '@triggerline/contracts';
import { IsBoolean, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { TimeRangeDto } from '../../http/time-range.dto';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../../ingest/idempotency-key';

/** Which executions to erase: at least one of `triggerId` and `idempotencyKey`. */
export class EraseExecutionsDto extends TimeRangeDto implements EraseExecutionsRequest {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  triggerId?: string;

  @ApiPropertyOptional({ description: 'exact idempotency key; replays of the event included' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_IDEMPOTENCY_KEY_LENGTH)
  idempotencyKey?: string;

  @ApiPropertyOptional({ default: false, description: 'count the matches, erase nothing' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean;
}
