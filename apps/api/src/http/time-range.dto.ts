import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString } from 'class-validator';
import { OptionalNotNull } from './optional-not-null';

/** `from` and `to` on a row's `createdAt`: at or after `from`, before `to` (ISO-8601). */
export class TimeRangeDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'created at or after (ISO-8601)' })
  @OptionalNotNull()
  @IsDateString({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'created before (ISO-8601)' })
  @OptionalNotNull()
  @IsDateString({ strict: true })
  to?: string;
}
