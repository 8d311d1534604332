import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { REJECTION_REASONS, type RejectionReason } from '@triggerline/contracts';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../http/page-query.dto';
import { TimeRangeDto } from '../../http/time-range.dto';

export class ListRejectionsQueryDto extends IntersectionType(PageQueryDto, TimeRangeDto) {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  triggerId?: string;

  @ApiPropertyOptional({ enum: REJECTION_REASONS })
  @IsOptional()
  @IsIn(REJECTION_REASONS)
  reason?: RejectionReason;
}
