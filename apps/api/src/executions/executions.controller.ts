import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type {
  EraseExecutionsResult,
  Execution,
  Page,
  ReplayAccepted,
  ReplayPreview,
} from '@triggerline/contracts';
import { RouteAccess } from '../access/route-access';
import { ApiErrors } from '../http/api-errors.decorator';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { ConfirmService } from './confirm.service';
import { ConfirmDeliveryDto } from './dto/confirm-delivery.dto';
import { EraseExecutionsDto } from './dto/erase-executions.dto';
import { ExportExecutionsQueryDto } from './dto/export-executions-query.dto';
import { ListExecutionsQueryDto } from './dto/list-executions-query.dto';
import { ExecutionsService } from './executions.service';
import { ReplayService } from './replay.service';

@ApiTags('executions')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/executions')
export class ExecutionsController {
  constructor(
    private readonly service: ExecutionsService,
    private readonly replays: ReplayService,
    private readonly confirmations: ConfirmService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Executions, newest first, with cursor pagination',
    description: 'Filters: triggerId, status, idempotencyKey (exact), from/to on createdAt.',
  })
  @ApiErrors(400)
  list(@Query() query: ListExecutionsQueryDto): Promise<Page<Execution>> {
    return this.service.list(query);
  }

  // Viewers already read every payload through GET /api/executions; the export shows no more.
  @Get('export')
  @Header('content-disposition', 'attachment; filename="executions.ndjson"')
  @ApiOperation({
    summary: 'Every matching execution with its payload, as NDJSON, newest first',
    description:
      'The filters of GET /api/executions (triggerId, status, idempotencyKey, from, to); ' +
      'streamed page by page in constant memory. Redacted fields were removed before storage.',
  })
  @ApiProduces('application/x-ndjson')
  @ApiErrors(400)
  async export(@Query() query: ExportExecutionsQueryDto): Promise<StreamableFile> {
    return new StreamableFile(await this.service.export(query), { type: 'application/x-ndjson' });
  }

  @Get(':id')
  @ApiOperation({ summary: 'One execution with its attempts' })
  @ApiErrors(400, 404)
  get(@Param('id', UuidParamPipe) id: string): Promise<Execution> {
    return this.service.get(id);
  }

  @Get(':id/replay-preview')
  @ApiOperation({
    summary: "What a replay would send now, built by the worker's own request builder",
    description:
      'Secrets configured in the action (auth-looking headers, the WhatsApp apikey) are "***"; ' +
      'values known only once the replay exists read "(assigned at replay)". 409 ' +
      'replay_would_fail when the worker could not build the request (no recipient, no value).',
  })
  @ApiErrors(400, 404, 409)
  replayPreview(@Param('id', UuidParamPipe) id: string): Promise<ReplayPreview> {
    return this.service.replayPreview(id);
  }

  @Post(':id/replay')
  @RouteAccess({ role: 'operator', action: 'execution.replay' })
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Replay a failed_retryable, dead_lettered or outcome_unknown execution as a new execution',
    description:
      'The original becomes `replayed` (a scheduled retry is cancelled) and its dead letter is ' +
      'resolved `replayed`. One replay per event per REPLAY_COOLDOWN_MS.',
  })
  @ApiResponse({ status: 202, description: '{ executionId } of the new execution' })
  @ApiErrors(400, 404, 409, 429)
  replay(@Param('id', UuidParamPipe) id: string): Promise<ReplayAccepted> {
    return this.replays.replay(id);
  }

  @Post('erase')
  @RouteAccess({ role: 'admin', action: 'execution.erase' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Erase executions by trigger and/or idempotency key (and time range)',
    description:
      'Deletes every matching execution that is not running, with its payload, attempts, ' +
      'duplicate records and dead letter. dryRun: count only.',
  })
  @ApiResponse({ status: 200, description: '{ matched, erased }' })
  @ApiErrors(400)
  erase(@Body() dto: EraseExecutionsDto): Promise<EraseExecutionsResult> {
    return this.service.erase(dto);
  }

  @Post(':id/confirm')
  @RouteAccess({ role: 'operator', action: 'execution.confirm' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Settle an outcome_unknown execution: delivered or not',
    description:
      'delivered true → succeeded; false → dead_lettered with a dead letter (category ' +
      'transient), so replay and dead-letter handlers apply.',
  })
  @ApiResponse({ status: 200, description: 'The execution' })
  @ApiErrors(400, 404, 409)
  confirm(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: ConfirmDeliveryDto,
  ): Promise<Execution> {
    return this.confirmations.confirm(id, dto);
  }
}
