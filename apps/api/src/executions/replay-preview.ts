import type { ReplayPreview } from '@triggerline/contracts';
import { buildRequest } from '../dispatch/actions/build-request';
import type { StoredAction } from '../triggers/trigger.entity';
import { maskForwardedHeaders } from './forwarded-headers';

/** Stands for values only known once the replay exists (its id, its attempt's headers). */
export const ASSIGNED_AT_REPLAY = '(assigned at replay)';
export const MASK = '***';

// Header names that carry credentials, whatever the downstream calls them.
const SECRET_HEADER = /auth|token|secret|key|cookie|signature|password|session|credential/i;

export type PreviewResult = { ok: true; preview: ReplayPreview } | { ok: false; error: string };

/**
 * What the worker would send if the execution were replayed now: the worker's own request
 * builder, with the secrets configured in the action masked.
 */
export function previewReplay(input: {
  action: StoredAction;
  payload: unknown;
  idempotencyKey: string | null;
  /** A replay keeps the original's depth (X-Triggerline-Depth goes out as depth + 1). */
  depth: number;
  /** What the original kept for its action to forward: forwarded headers as stored (sealed). */
  received?: { rawBody: Buffer | null; headers: Record<string, string> };
  /** The event the execution delivers: a replay keeps its `webhook-id`. */
  eventId?: string;
  /** When the preview is made: the signature's timestamp. */
  now?: Date;
  /** The event as the replay's attempts will name it (WhatsApp message ids derive from it). */
  event: { triggerId: string; eventId: string };
}): PreviewResult {
  const built = buildRequest(
    input.action,
    input.payload,
    {
      // A replay keeps the original's key; without one the worker uses the replay's own id.
      idempotencyKey: input.idempotencyKey ?? ASSIGNED_AT_REPLAY,
      executionId: ASSIGNED_AT_REPLAY,
      attempt: 1,
      depth: input.depth,
      webhookId: input.eventId === undefined ? ASSIGNED_AT_REPLAY : `msg_${input.eventId}`,
      sentAt: input.now ?? new Date(),
      event: input.event,
    },
    // Forwarded credentials are never opened here: they go into the preview already masked.
    {
      rawBody: input.received?.rawBody ?? null,
      headers: maskForwardedHeaders(input.received?.headers ?? {}),
    },
  );
  if (!built.ok) {
    return built;
  }
  const { method, url, headers, body } = built.request;
  const masked = maskedHeaderNames(input.action);
  return {
    ok: true,
    preview: {
      method,
      url,
      headers: Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, masked.has(name) ? MASK : value]),
      ),
      // A raw body is shown as the text it is, spacing and key order included.
      body: typeof body === 'string' ? (JSON.parse(body) as unknown) : body.toString('utf8'),
    },
  };
}

// Only what the operator configured can be a secret (delivery headers never are): every secret
// header, and configured headers whose names look like credentials.
function maskedHeaderNames(action: StoredAction): Set<string> {
  switch (action.type) {
    case 'http':
      return new Set(
        [
          ...Object.keys(action.secretHeaders ?? {}),
          // Made with the signing secret: shown, it would let a reader forge requests for now.
          ...(action.signing === undefined || action.signing === null ? [] : ['webhook-signature']),
          ...Object.keys(action.headers ?? {}).filter((name) => SECRET_HEADER.test(name)),
        ].map((name) => name.toLowerCase()),
      );
    case 'whatsapp':
      // Evolution's `apikey`, Meta's bearer token.
      return new Set(['apikey', 'authorization']);
  }
}
