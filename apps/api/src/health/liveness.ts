import type { FastifyInstance } from 'fastify';
import { sendErrorResponse } from '../http/request-url';
import type { MachineOnlyRoute } from '../http/security-headers';

export const LIVENESS_PATH = '/health/live';

// Serialised once: the answer never changes.
const LIVE_BODY = JSON.stringify({ status: 'ok' });

/**
 * `GET /health/live` as a plain Fastify route: probed every few seconds by orchestrators and
 * under load by the benchmark, it needs none of Nest's router, guards, pipes or interceptors.
 * It passes the global URL check like any route; of the browser security headers it keeps
 * only `nosniff`, as nothing renders it. `ROLE=worker` processes serve it too.
 */
export function registerLiveness(fastify: FastifyInstance): void {
  const config: MachineOnlyRoute = { isMachineOnly: true };
  fastify.get(
    LIVENESS_PATH,
    {
      config,
      // Registered before Nest installs its error handler: a refused URL is answered here, in
      // the contract's format, as on every other route.
      errorHandler: (error, _request, reply) => sendErrorResponse(reply, error),
    },
    (_request, reply) => {
      void reply.headers(LIVE_HEADERS).send(LIVE_BODY);
    },
  );
}

const LIVE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'x-content-type-options': 'nosniff',
};
