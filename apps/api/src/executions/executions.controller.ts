import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Execution, Page, ReplayAccepted } from '@triggerline/contracts';
import { AdminAuthGuard } from '../http/admin-auth.guard';
import { ApiErrors } from '../http/api-errors.decorator';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { ListExecutionsQueryDto } from './dto/list-executions-query.dto';
import { ExecutionsService } from './executions.service';
import { ReplayService } from './replay.service';

@ApiTags('executions')
@ApiBearerAuth()
@ApiErrors(401)
@UseGuards(AdminAuthGuard)
@Controller('api/executions')
export class ExecutionsController {
  constructor(
    private readonly service: ExecutionsService,
    private readonly replays: ReplayService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Executions, newest first, with cursor pagination' })
  @ApiErrors(400)
  list(@Query() query: ListExecutionsQueryDto): Promise<Page<Execution>> {
    return this.service.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One execution with its attempts' })
  @ApiErrors(400, 404)
  get(@Param('id', UuidParamPipe) id: string): Promise<Execution> {
    return this.service.get(id);
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Replay a failed_retryable or dead_lettered execution as a new execution',
    description:
      'The original becomes `replayed` (a scheduled retry is cancelled) and its dead letter is ' +
      'resolved `replayed`. One replay per event per REPLAY_COOLDOWN_MS.',
  })
  @ApiResponse({ status: 202, description: '{ executionId } of the new execution' })
  @ApiErrors(400, 404, 409, 429)
  replay(@Param('id', UuidParamPipe) id: string): Promise<ReplayAccepted> {
    return this.replays.replay(id);
  }
}
