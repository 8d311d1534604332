import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { RouterHealth } from '@triggerline/contracts';
import { ApiErrors } from '../http/api-errors.decorator';
import { UuidParamPipe } from '../http/uuid-param.pipe';
import { StatsService } from './stats.service';

@ApiTags('triggers')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/triggers')
export class RouteHealthController {
  constructor(private readonly service: StatsService) {}

  @Get(':id/route-health')
  @ApiOperation({
    summary: "A router's routes and how each routed-to trigger is doing (SPEC §14)",
    description:
      'Per route, in order: its trigger, filter, enabled, paused, circuit state, and the ' +
      'executions the router sent it in the last 24 hours that succeeded, are failing (retrying ' +
      'or outcome unknown) or were dead-lettered.',
  })
  @ApiErrors(400, 404)
  routeHealth(@Param('id', UuidParamPipe) id: string): Promise<RouterHealth> {
    return this.service.routerHealth(id);
  }
}
