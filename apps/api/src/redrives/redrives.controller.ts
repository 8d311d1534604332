import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Redrive, RedriveList } from '@triggerline/contracts';
import { RouteAccess } from '../access/route-access';
import { ApiErrors } from '../http/api-errors.decorator';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { CreateRedriveDto } from './dto/create-redrive.dto';
import { ListRedrivesQueryDto } from './dto/list-redrives-query.dto';
import { RedrivesService } from './redrives.service';

@ApiTags('redrives')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/redrives')
export class RedrivesController {
  constructor(private readonly service: RedrivesService) {}

  @Post()
  @RouteAccess({ role: 'operator', action: 'redrive.create' })
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Replay every matching unresolved dead letter (or, with source executions, any execution) in the background, at a rate',
    description:
      'Counts the matches now, then replays them in batches at `ratePerSecond` (default 10). ' +
      'Survives restarts; cancel with POST /api/redrives/:id/cancel. `source: "executions"` ' +
      'copies executions of any status (filters triggerId, status, idempotencyKey, from, to) as ' +
      'new executions, into `targetTriggerId` when given; the originals are left as they are.',
  })
  @ApiResponse({ status: 202, description: 'The redrive, running (or done when nothing matched)' })
  @ApiErrors(400)
  create(@Body() dto: CreateRedriveDto): Promise<Redrive> {
    return this.service.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'The most recent redrives, newest first' })
  @ApiErrors(400)
  list(@Query() query: ListRedrivesQueryDto): Promise<RedriveList> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One redrive with its progress' })
  @ApiErrors(400, 404)
  get(@Param('id', UuidParamPipe) id: string): Promise<Redrive> {
    return this.service.get(id);
  }

  @Post(':id/cancel')
  @RouteAccess({ role: 'operator', action: 'redrive.cancel' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop a running redrive after the batch in flight' })
  @ApiErrors(400, 404, 409)
  cancel(@Param('id', UuidParamPipe) id: string): Promise<Redrive> {
    return this.service.cancel(id);
  }
}
