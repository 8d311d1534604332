import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  type BulkReplayRequest,
  ERROR_CATEGORIES,
  type ErrorCategory,
} from '@triggerline/contracts';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsUUID } from 'class-validator';
import { TimeRangeDto } from '../../http/time-range.dto';
import { OptionalNotNull } from '../../http/optional-not-null';

/** Which unresolved dead letters to replay; every filter given must match. */
export class BulkReplayDto extends TimeRangeDto implements BulkReplayRequest {
  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'dead-letter ids' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(10000)
  @IsUUID('all', { each: true })
  ids?: string[];

  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  triggerId?: string;

  @ApiPropertyOptional({ enum: ERROR_CATEGORIES })
  @OptionalNotNull()
  @IsIn(ERROR_CATEGORIES)
  errorCategory?: ErrorCategory;

  @ApiPropertyOptional({ default: false, description: 'count the matches, replay nothing' })
  @OptionalNotNull()
  @IsBoolean()
  dryRun?: boolean;
}
