import type { OpenAPIObject } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { sendErrorResponse } from '../http/request-url';

export const LIVENESS_PATH = '/health/live';

// Serialised once: the answer never changes.
const LIVE_BODY = JSON.stringify({ status: 'ok' });

/**
 * `GET /health/live` as a plain Fastify route: probed every few seconds by orchestrators and
 * under load by the benchmark, it needs none of Nest's router, guards, pipes or interceptors.
 * It still passes every global Fastify hook (URL check, security headers), like any route.
 * `ROLE=worker` processes serve it too.
 */
export function registerLiveness(fastify: FastifyInstance): void {
  fastify.get(
    LIVENESS_PATH,
    // Registered before Nest installs its error handler: a refused URL is answered here, in
    // the contract's format, as on every other route.
    { errorHandler: (error, _request, reply) => sendErrorResponse(reply, error) },
    (_request, reply) => {
      void reply.header('content-type', 'application/json; charset=utf-8').send(LIVE_BODY);
    },
  );
}

/** The route is not Nest's, so Swagger does not see it: describe it as Nest would. */
export function documentLiveness(document: OpenAPIObject): void {
  document.paths[LIVENESS_PATH] = {
    get: {
      operationId: 'HealthController_live',
      summary: 'The process is up',
      parameters: [],
      responses: { '200': { description: '' } },
      tags: ['health'],
    },
  };
}
