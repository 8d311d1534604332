import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { EXECUTION_STATUSES, type ExecutionStatus } from '@triggerline/contracts';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../../ingest/idempotency-key';
import { PageQueryDto } from '../../http/page-query.dto';
import { TimeRangeDto } from '../../http/time-range.dto';

export class ListExecutionsQueryDto extends IntersectionType(PageQueryDto, TimeRangeDto) {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  triggerId?: string;

  @ApiPropertyOptional({ enum: EXECUTION_STATUSES })
  @IsOptional()
  @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;

  @ApiPropertyOptional({ description: 'exact idempotency key, across triggers, replays included' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_IDEMPOTENCY_KEY_LENGTH)
  idempotencyKey?: string;
}
