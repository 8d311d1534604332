import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ERROR_CATEGORIES, type ErrorCategory } from '@triggerline/contracts';
import { IsBoolean, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../http/page-query.dto';
import { TimeRangeDto } from '../../http/time-range.dto';

/** Filters with the meaning of bulk replay's, so that an operator sees what it will touch. */
export class ListDeadLettersQueryDto extends IntersectionType(PageQueryDto, TimeRangeDto) {
  @ApiPropertyOptional({ description: 'true: only unresolved ones (they always come first)' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' || value === '' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  unresolved?: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  triggerId?: string;

  @ApiPropertyOptional({ enum: ERROR_CATEGORIES })
  @IsOptional()
  @IsIn(ERROR_CATEGORIES)
  errorCategory?: ErrorCategory;
}
