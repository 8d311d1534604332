import { Controller, Get } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RequestError } from '../http/request.errors';

const READY_TIMEOUT_MS = 3000;

// Served by every role, a worker included: nothing here loads Swagger (its documentation is
// attached by the API surface, health-docs.ts) nor a health-check framework for one query.
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  // GET /health/live is a plain Fastify route (liveness.ts), outside Nest's pipeline.

  /** 200 while the database answers within 3 s, else 503 `unavailable`. */
  @Get('ready')
  async ready() {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('timed out')), READY_TIMEOUT_MS);
        }),
      ]);
    } catch {
      throw new RequestError('unavailable', 'The database is unreachable.');
    } finally {
      clearTimeout(timer);
    }
    // The shape @nestjs/terminus answered before, which probes may match on.
    const up = { database: { status: 'up' } };
    return { status: 'ok', info: up, error: {}, details: up };
  }
}
