import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional } from 'class-validator';

/** `from` and `to` on a row's `createdAt`: at or after `from`, before `to` (ISO-8601). */
export class TimeRangeDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'created at or after (ISO-8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'created before (ISO-8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}
