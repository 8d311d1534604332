import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { RetrySchedule, Trigger, TriggerList } from '@triggerline/contracts';
import { AuditChangedFields, type ChangedFieldsNote } from '../access/audit-details';
import { RouteAccess } from '../access/route-access';
import { ApiErrors } from '../http/api-errors.decorator';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { CreateTriggerDto } from './dto/create-trigger.dto';
import { UpdateTriggerDto } from './dto/update-trigger.dto';
import { TriggersService } from './triggers.service';

@ApiTags('triggers')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/triggers')
export class TriggersController {
  constructor(private readonly service: TriggersService) {}

  @Get()
  @ApiOperation({ summary: 'List triggers (secrets never returned)' })
  list(): Promise<TriggerList> {
    return this.service.list();
  }

  @Post()
  @RouteAccess({ role: 'admin', action: 'trigger.create' })
  @ApiOperation({ summary: 'Create a trigger' })
  @ApiResponse({ status: 201, description: 'The trigger' })
  @ApiErrors(400, 409)
  create(@Body() dto: CreateTriggerDto): Promise<Trigger> {
    return this.service.create(dto);
  }

  @Get(':id')
  @ApiErrors(400, 404)
  get(@Param('id', UuidParamPipe) id: string): Promise<Trigger> {
    return this.service.get(id);
  }

  @Get(':id/retry-schedule')
  @ApiOperation({
    summary:
      'When each attempt starts at the earliest and latest, and the worst case to a dead letter',
    description:
      'Counted from the start of the first attempt. Earliest: backoff without jitter, requests ' +
      'taking no time. Latest: full jitter, every earlier attempt taking its whole timeoutMs. ' +
      'worstCaseMs: the last attempt ending at its timeout.',
  })
  @ApiErrors(400, 404)
  retrySchedule(@Param('id', UuidParamPipe) id: string): Promise<RetrySchedule> {
    return this.service.retrySchedule(id);
  }

  @Patch(':id')
  @RouteAccess({ role: 'admin', action: 'trigger.update' })
  @ApiOperation({
    summary: 'Change a trigger; omitted fields stay as they are',
    description:
      'The audit entry lists, in `details.fields`, the fields sent whose stored value changed ' +
      '(a write-only secret sent counts as changed). 409 trigger_routed_to for a new slug while ' +
      'routes name the old one (SPEC §14: routes name triggers by slug).',
  })
  @ApiErrors(400, 404, 409)
  update(
    @Param('id', UuidParamPipe) id: string,
    @Body() dto: UpdateTriggerDto,
    @AuditChangedFields() noteChangedFields: ChangedFieldsNote,
  ): Promise<Trigger> {
    return this.service.update(id, dto, noteChangedFields);
  }

  @Post(':id/pause')
  @RouteAccess({ role: 'operator', action: 'trigger.pause' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Hold every attempt of the trigger; deliveries are still accepted' })
  @ApiErrors(400, 404)
  pause(@Param('id', UuidParamPipe) id: string): Promise<Trigger> {
    return this.service.pause(id);
  }

  @Post(':id/resume')
  @RouteAccess({ role: 'operator', action: 'trigger.resume' })
  @HttpCode(200)
  @ApiOperation({ summary: 'Let a paused trigger start attempts again' })
  @ApiErrors(400, 404)
  resume(@Param('id', UuidParamPipe) id: string): Promise<Trigger> {
    return this.service.resume(id);
  }

  @Post(':id/release-watermark')
  @RouteAccess({ role: 'operator', action: 'trigger.release_watermark' })
  @HttpCode(200)
  @ApiOperation({
    summary: 'Lift the watermark hold for 24 hours, for the whole watermark group',
  })
  @ApiErrors(400, 404)
  releaseWatermark(@Param('id', UuidParamPipe) id: string): Promise<Trigger> {
    return this.service.releaseWatermark(id);
  }

  @Delete(':id')
  @RouteAccess({ role: 'admin', action: 'trigger.delete' })
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a trigger with its executions and dead letters',
    description:
      '409 trigger_has_open_work while it has unfinished executions or unresolved dead ' +
      'letters; ?force=true deletes anyway. 409 trigger_routed_to while routes name it, even ' +
      'with ?force=true.',
  })
  @ApiQuery({ name: 'force', required: false, type: Boolean })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiErrors(400, 404, 409)
  remove(@Param('id', UuidParamPipe) id: string, @Query('force') force?: string): Promise<void> {
    return this.service.remove(id, force === 'true');
  }
}
