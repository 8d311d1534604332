import { Logger } from '@nestjs/common';
import { ANONYMOUS_ACTOR } from '@triggerline/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditLogStore } from './audit-log.store';
import type { Authenticator } from './authenticator';
import { isApiPath, requestAccessOf } from './request-access';
import { isMutating } from './route-access';

/**
 * Records every mutating `/api` call in the audit log with the status it is answered, allowed
 * or refused, before the answer leaves: a caller never sees a success that is not recorded.
 */
export function registerAuditTrail(
  fastify: FastifyInstance,
  deps: { auditLog: AuditLogStore; authenticator: Authenticator },
): void {
  const logger = new Logger('Audit');
  const record = async (request: FastifyRequest, status: number, payload: unknown) => {
    try {
      const { actor, action } = await actorAndAction(request, deps.authenticator);
      await deps.auditLog.record({
        actor,
        action,
        targetId: targetIdOf(request, status, payload),
        status,
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

async function actorAndAction(
  request: FastifyRequest,
  authenticator: Authenticator,
): Promise<{ actor: string; action: string }> {
  const access = requestAccessOf(request);
  if (access !== undefined && access.action !== null) {
    return { actor: access.caller?.name ?? ANONYMOUS_ACTOR, action: access.action };
  }
  // Refused before the guard ran (a malformed body or URL, an unknown route).
  const caller = await authenticator.authenticateRequest(request);
  const route = request.routeOptions.url ?? request.url.split('?')[0];
  return { actor: caller?.name ?? ANONYMOUS_ACTOR, action: `${request.method} ${route}` };
}

// The id in the path, or the id of what a successful call created.
function targetIdOf(request: FastifyRequest, status: number, payload: unknown): string | null {
  const id = (request.params as Record<string, unknown> | undefined)?.id;
  if (typeof id === 'string') {
    return id;
  }
  if (status < 300 && typeof payload === 'string' && payload.startsWith('{')) {
    try {
      const created = (JSON.parse(payload) as { id?: unknown }).id;
      return typeof created === 'string' ? created : null;
    } catch {
      return null;
    }
  }
  return null;
}
