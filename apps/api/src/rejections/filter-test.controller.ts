import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FilterTestResult, RouteTestResult } from '@triggerline/contracts';
import { RouteAccess } from '../access/route-access';
import { ExecutionError } from '../executions/executions.errors';
import { ExecutionsRepository } from '../executions/executions.repository';
import { ApiErrors } from '../http/api-errors.decorator';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { isKept } from '../triggers/delivery-filter';
import { TriggersService } from '../triggers/triggers.service';
import { FilterTestDto } from './dto/filter-test.dto';
import { RouteTestDto } from './dto/route-test.dto';

const RECENT_DELIVERIES = 10;

@ApiTags('triggers')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Controller('api/triggers')
export class FilterTestController {
  constructor(
    private readonly executions: ExecutionsRepository,
    private readonly triggers: TriggersService,
  ) {}

  @Post(':id/filter-test')
  @HttpCode(200)
  // A read: it changes nothing, so a viewer may try filters.
  @RouteAccess({ role: 'viewer', action: 'trigger.filter_test' })
  @ApiOperation({
    summary: 'Would this filter keep a stored delivery of the trigger?',
    description:
      'Evaluated on the stored delivery: its payload (redacted paths already removed) and the ' +
      'headers kept with it (credential values read "***"); its query string is not stored.',
  })
  @ApiErrors(400, 404)
  async test(
    @Param('id', UuidParamPipe) triggerId: string,
    @Body() dto: FilterTestDto,
  ): Promise<FilterTestResult> {
    const execution = await this.executions.findWithAttempts(dto.executionId);
    if (execution === null || execution.triggerId !== triggerId) {
      throw new ExecutionError(
        'execution_not_found',
        `No execution ${dto.executionId} of trigger ${triggerId}.`,
      );
    }
    return {
      matches: isKept(dto.filter, {
        body: execution.payload,
        headers: execution.headers,
        query: {},
      }),
    };
  }

  @Post(':id/route-test')
  @HttpCode(200)
  @RouteAccess({ role: 'viewer', action: 'trigger.route_test' })
  @ApiOperation({
    summary: "Which routes would have taken each of the trigger's recent deliveries?",
    description:
      `The ${RECENT_DELIVERIES} latest deliveries (a pure router's as its routes got them), each ` +
      'with the slugs of the routes whose filter keeps it (no filter keeps all), evaluated as ' +
      'the filter test is.',
  })
  @ApiErrors(400, 404)
  async testRoutes(
    @Param('id', UuidParamPipe) triggerId: string,
    @Body() dto: RouteTestDto,
  ): Promise<RouteTestResult> {
    await this.triggers.get(triggerId);
    const deliveries = await this.executions.recentDeliveries(triggerId, RECENT_DELIVERIES);
    return {
      deliveries: deliveries.map((delivery) => ({
        executionId: delivery.id,
        createdAt: delivery.createdAt,
        idempotencyKey: delivery.idempotencyKey,
        matchedRoutes: dto.routes
          .filter(
            ({ filter }) =>
              filter === undefined ||
              filter === null ||
              isKept(filter, { body: delivery.payload, headers: delivery.headers, query: {} }),
          )
          .map((route) => route.trigger),
      })),
    };
  }
}
