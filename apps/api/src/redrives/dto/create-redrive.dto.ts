import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  type CreateRedriveRequest,
  DEFAULT_REDRIVE_RATE_PER_SECOND,
  EXECUTION_STATUSES,
  type ExecutionStatus,
  MAX_REDRIVE_RATE_PER_SECOND,
  REDRIVE_SOURCES,
  type RedriveSource,
} from '@triggerline/contracts';
import { IsIn, IsInt, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { BulkReplayDto } from '../../dead-letters/dto/bulk-replay.dto';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../../ingest/idempotency-key';
import { OptionalNotNull } from '../../http/optional-not-null';

/**
 * The filters of the synchronous bulk replay, and a rate instead of a dry run; with
 * `source: "executions"`, the filters of the executions list and a target trigger.
 */
export class CreateRedriveDto
  extends OmitType(BulkReplayDto, ['dryRun'])
  implements CreateRedriveRequest
{
  @ApiPropertyOptional({ enum: REDRIVE_SOURCES, default: 'dead_letters' })
  @OptionalNotNull()
  @IsIn(REDRIVE_SOURCES)
  source?: RedriveSource;

  @ApiPropertyOptional({ enum: EXECUTION_STATUSES, description: '`executions` source only' })
  @OptionalNotNull()
  @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;

  @ApiPropertyOptional({ description: '`executions` source only: exact idempotency key' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(MAX_IDEMPOTENCY_KEY_LENGTH)
  idempotencyKey?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: '`executions` source only: replay into this trigger',
  })
  @OptionalNotNull()
  @IsUUID()
  targetTriggerId?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_REDRIVE_RATE_PER_SECOND,
    default: DEFAULT_REDRIVE_RATE_PER_SECOND,
  })
  @OptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_REDRIVE_RATE_PER_SECOND)
  ratePerSecond?: number;
}
