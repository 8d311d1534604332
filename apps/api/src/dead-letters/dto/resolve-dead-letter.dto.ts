import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  MANUAL_RESOLUTIONS,
  type ManualResolution,
  type ResolveDeadLetterRequest,
} from '@triggerline/contracts';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export class ResolveDeadLetterDto implements ResolveDeadLetterRequest {
  @ApiProperty({ enum: MANUAL_RESOLUTIONS, description: '`replayed` is set by a replay' })
  @IsIn(MANUAL_RESOLUTIONS)
  resolution: ManualResolution;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}
