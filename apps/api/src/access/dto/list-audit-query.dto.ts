import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import type { AuditLogQuery } from '@triggerline/contracts';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageQueryDto } from '../../http/page-query.dto';
import { TimeRangeDto } from '../../http/time-range.dto';

export class ListAuditQueryDto
  extends IntersectionType(PageQueryDto, TimeRangeDto)
  implements AuditLogQuery
{
  @ApiPropertyOptional({ description: 'exact actor: a token name or `admin-token`' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  actor?: string;

  @ApiPropertyOptional({ description: 'exact action, e.g. `trigger.update`' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  action?: string;
}
