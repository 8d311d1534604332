import { ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  type CreateRedriveRequest,
  DEFAULT_REDRIVE_RATE_PER_SECOND,
  MAX_REDRIVE_RATE_PER_SECOND,
} from '@triggerline/contracts';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { BulkReplayDto } from '../../dead-letters/dto/bulk-replay.dto';

/** The filters of the synchronous bulk replay, and a rate instead of a dry run. */
export class CreateRedriveDto
  extends OmitType(BulkReplayDto, ['dryRun'])
  implements CreateRedriveRequest
{
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
