import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  FLOW_CONTROL_LIMITS,
  type PutFlowGroupRequest,
  WATERMARK_ACTIONS,
  type WatermarkAction,
} from '@triggerline/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { IntInRange, rangeSchema } from '../../http/int-in-range';
import { MAX_DAILY_WATERMARK } from '../../triggers/dto/create-trigger.dto';
import { RateLimitDto } from '../../triggers/dto/flow-control.dto';

/** A group's limits, with the shapes and bounds of the trigger's own fields (SPEC §7). */
export class PutFlowGroupDto implements PutFlowGroupRequest {
  @ApiPropertyOptional({
    type: RateLimitDto,
    nullable: true,
    description:
      'At most `limit` attempts of all the group’s triggers start in any window of `periodMs`; ' +
      'null or left out is off.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RateLimitDto)
  rateLimit?: RateLimitDto | null;

  @ApiPropertyOptional({
    nullable: true,
    ...rangeSchema(FLOW_CONTROL_LIMITS.maxConcurrency),
    description: 'At most this many attempts of all the group’s triggers in flight at once.',
  })
  @IsOptional()
  @IntInRange(FLOW_CONTROL_LIMITS.maxConcurrency)
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

  @ApiPropertyOptional({
    enum: WATERMARK_ACTIONS,
    default: 'alert',
    description: '`hold`: first attempts above dailyWatermark in any rolling 24 h wait.',
  })
  @IsOptional()
  @IsIn(WATERMARK_ACTIONS)
  dailyWatermarkAction?: WatermarkAction;
}
