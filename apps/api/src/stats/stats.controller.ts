import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import type { Stats } from '@triggerline/contracts';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiErrors } from '../http/api-errors.decorator';
import { StatsService } from './stats.service';

export class StatsQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 90, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(90)
  days?: number;
}

@ApiTags('stats')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/stats')
export class StatsController {
  constructor(private readonly service: StatsService) {}

  @Get()
  @ApiOperation({ summary: 'Counters over the last `days`, watermarks, DLQ size and alerts' })
  @ApiErrors(400)
  stats(@Query() query: StatsQueryDto): Promise<Stats> {
    return this.service.stats(query.days ?? 1);
  }
}
