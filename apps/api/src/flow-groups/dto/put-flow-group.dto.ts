import { ApiPropertyOptional } from '@nestjs/swagger';
import type { PutFlowGroupRequest, WatermarkAction } from '@triggerline/contracts';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { MAX_DAILY_WATERMARK } from '../../triggers/dto/create-trigger.dto';
import {
  MaxConcurrencyField,
  type RateLimitDto,
  RateLimitField,
  WatermarkActionField,
} from '../../triggers/dto/flow-control.dto';

/** A group's limits, with the shapes and bounds of the trigger's own fields (SPEC §7). */
export class PutFlowGroupDto implements PutFlowGroupRequest {
  @RateLimitField(
    'At most `limit` attempts of all the group’s triggers start in any window of `periodMs`; ' +
      'null or left out is off.',
  )
  rateLimit?: RateLimitDto | null;

  @MaxConcurrencyField('At most this many attempts of all the group’s triggers in flight at once.')
  maxConcurrency?: number | null;

  @ApiPropertyOptional({
    nullable: true,
    description:
      'First attempts of the group’s triggers per rolling 24 h that raise watermark_hit.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_DAILY_WATERMARK)
  dailyWatermark?: number | null;

  @WatermarkActionField()
  dailyWatermarkAction?: WatermarkAction;
}
