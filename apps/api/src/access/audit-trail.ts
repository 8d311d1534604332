import { Logger } from '@nestjs/common';
import { isUUID } from 'class-validator';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Metrics } from '../metrics/metrics';
import { auditDetailsOf } from './audit-details';
import type { AuditLogStore } from './audit-log.store';
import type { Authenticator } from './authenticator';
import { isApiPath, requestAccessOf } from './request-access';
import { isMutating } from './route-access';

/** The `route` label of a request that matched no route. */
const UNMATCHED_ROUTE = 'unmatched';

/**
 * Records every mutating `/api` call of a valid token in the audit log with the status it is
 * answered, allowed or refused, before the answer leaves: a caller never sees a success that is
 * not recorded. Calls without a valid token are counted and logged at debug level instead:
 * anyone can send those, as many as they like, and they must not fill the log that says what
 * token holders did.
 */
export function registerAuditTrail(
  fastify: FastifyInstance,
  deps: { auditLog: AuditLogStore; authenticator: Authenticator; metrics: Metrics },
): void {
  const logger = new Logger('Audit');
  const record = async (request: FastifyRequest, status: number, payload: unknown) => {
    try {
      const caller = await deps.authenticator.authenticateRequest(request);
      if (caller === null) {
        const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
        deps.metrics.unauthorizedRequests.inc({ route });
        logger.debug({ evt: 'unauthorized_request', method: request.method, route, status });
        return;
      }
      await deps.auditLog.record({
        actor: caller.name,
        action: actionOf(request),
        targetId: targetIdOf(request, status, payload),
        status,
        details: auditDetailsOf(request),
      });
    } catch (error) {
      logger.error({ evt: 'audit_record_failed', url: request.url, err: error });
    }
  };
  // Callback style: the webhook, liveness and read requests return at once, without a promise.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!isMutating(request.method) || !isApiPath(request.url)) {
      done(null, payload);
      return;
    }
    void record(request, reply.statusCode, payload).then(() => done(null, payload));
  });
}

// The route's declared action; for a call refused before the guard ran (a malformed body or
// URL, an unknown route), its method and route.
function actionOf(request: FastifyRequest): string {
  const action = requestAccessOf(request)?.action;
  if (action !== null && action !== undefined) {
    return action;
  }
  const route = request.routeOptions.url ?? request.url.split('?')[0];
  return `${request.method} ${route}`;
}

// The id in the path, or the id of what a successful call created; only a well-formed uuid,
// since a refused call's path may hold anything (a NUL cannot even be stored).
function targetIdOf(request: FastifyRequest, status: number, payload: unknown): string | null {
  const id = (request.params as Record<string, unknown> | undefined)?.id;
  if (typeof id === 'string') {
    return isUUID(id) ? id : null;
  }
  if (status < 300 && typeof payload === 'string' && payload.startsWith('{')) {
    try {
      const created = (JSON.parse(payload) as { id?: unknown }).id;
      return typeof created === 'string' && isUUID(created) ? created : null;
    } catch {
      return null;
    }
  }
  return null;
}
