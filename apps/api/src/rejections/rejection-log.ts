import { Logger } from '@nestjs/common';
import { REJECTION_REASONS, type RejectionReason } from '@triggerline/contracts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config';
import type { Metrics } from '../metrics/metrics';
import type { RejectionsService } from './rejections.service';

const HOOK_ROUTE = '/hooks/:slug';
const REASONS = new Set<string>(REJECTION_REASONS);

/**
 * Keeps each refused delivery of the webhook route, whatever refused it: the pipeline (a bad
 * signature, a disabled trigger) or Fastify before it (a body too large, of another media type,
 * not JSON). Answered after it is kept, so a flood is paced by the database, not buffered.
 */
export function registerRejectionLog(
  fastify: FastifyInstance,
  deps: { rejections: RejectionsService; config: AppConfig; metrics: Metrics },
): void {
  const logger = new Logger('Ingest');
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const reason = reply.statusCode >= 400 ? reasonOf(request, payload) : null;
    if (reason === null || reason === UNKNOWN_TRIGGER) {
      if (reason === UNKNOWN_TRIGGER) {
        deps.metrics.unknownTriggerDeliveries.inc(); // never stored: anyone can invent slugs
      }
      done(null, payload);
      return;
    }
    const slug = (request.params as { slug?: string }).slug ?? '';
    deps.rejections
      .record({
        slug,
        reason,
        method: request.method,
        url: `${deps.config.publicUrl ?? `${request.protocol}://${request.host}`}${request.url}`,
        sourceIp: request.ip ?? null,
        headers: request.headers,
        rawBody: request.rawBody ?? Buffer.alloc(0),
      })
      .catch((error: unknown) => logger.error({ evt: 'rejection_record_failed', err: error }))
      .finally(() => done(null, payload));
  });
}

const UNKNOWN_TRIGGER = 'trigger_not_found';

function reasonOf(
  request: FastifyRequest,
  payload: unknown,
): RejectionReason | typeof UNKNOWN_TRIGGER | null {
  if (request.routeOptions.url !== HOOK_ROUTE || typeof payload !== 'string') {
    return null;
  }
  try {
    const { error } = JSON.parse(payload) as { error?: unknown };
    if (error === UNKNOWN_TRIGGER) {
      return UNKNOWN_TRIGGER;
    }
    return typeof error === 'string' && REASONS.has(error) ? (error as RejectionReason) : null;
  } catch {
    return null;
  }
}
