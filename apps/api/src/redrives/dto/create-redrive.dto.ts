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
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import { BulkReplayDto } from '../../dead-letters/dto/bulk-replay.dto';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../../ingest/idempotency-key';

/**
 * The filters of the synchronous bulk replay, and a rate instead of a dry run; with
 * `source: "executions"`, the filters of the executions list and a target trigger.
 */
export class CreateRedriveDto
  extends OmitType(BulkReplayDto, ['dryRun'])
  implements CreateRedriveRequest
{
  @ApiPropertyOptional({ enum: REDRIVE_SOURCES, default: 'dead_letters' })
  @IsOptional()
  @IsIn(REDRIVE_SOURCES)
  source?: RedriveSource;

  @ApiPropertyOptional({ enum: EXECUTION_STATUSES, description: '`executions` source only' })
  @IsOptional()
  @IsIn(EXECUTION_STATUSES)
  status?: ExecutionStatus;

  @ApiPropertyOptional({ description: '`executions` source only: exact idempotency key' })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_IDEMPOTENCY_KEY_LENGTH)
  idempotencyKey?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: '`executions` source only: replay into this trigger',
  })
  @IsOptional()
  @IsUUID()
  targetTriggerId?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_REDRIVE_RATE_PER_SECOND,
    default: DEFAULT_REDRIVE_RATE_PER_SECOND,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_REDRIVE_RATE_PER_SECOND)
  ratePerSecond?: number;
}
