import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { ApiErrors } from '../http/api-errors.decorator';
import { RequestError } from '../http/request.errors';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
  ) {}

  // GET /health/live is a plain Fastify route (liveness.ts), outside Nest's pipeline.

  @Get('ready')
  @HealthCheck()
  @ApiOperation({ summary: 'The database is reachable' })
  @ApiErrors(503)
  async ready() {
    try {
      return await this.health.check([
        () =>
          this.indicators
            .check('database')
            .attempt(async () => {
              await this.dataSource.query('SELECT 1');
            })
            .withTimeout(3000),
      ]);
    } catch {
      throw new RequestError('unavailable', 'The database is unreachable.');
    }
  }
}
