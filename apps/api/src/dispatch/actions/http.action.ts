import { renderBodyTemplate } from '@triggerline/contracts';
import type { StoredAction } from '../../triggers/trigger.entity';
import {
  type BuildResult,
  type DeliveryMeta,
  deliveryHeaders,
  NOTHING_RECEIVED,
  type ReceivedParts,
} from './outbound-request';
import { standardWebhooksHeaders } from './standard-webhooks';

type HttpAction = Extract<StoredAction, { type: 'http' }>;

/**
 * `http` action: the event's JSON payload, the delivery's bytes as received, or a JSON template
 * filled from the payload, to the configured URL.
 */
export function buildHttpRequest(
  action: HttpAction,
  payload: unknown,
  meta: DeliveryMeta,
  received: ReceivedParts = NOTHING_RECEIVED,
): BuildResult {
  const body = httpBody(action, payload, received);
  if (!body.ok) {
    return body;
  }
  const signing = action.signing ?? null;
  return {
    ok: true,
    request: {
      url: action.url,
      method: action.method,
      // Neither the action's own headers nor forwarded ones can override the delivery headers,
      // nor the signature's.
      headers: {
        ...lowerCaseKeys(action.headers ?? {}),
        ...lowerCaseKeys(action.secretHeaders ?? {}),
        ...forwardedHeaders(action, received),
        'content-type': body.contentType,
        ...deliveryHeaders(meta),
        ...(signing === null
          ? {}
          : standardWebhooksHeaders({
              secret: signing.secret,
              webhookId: meta.webhookId,
              sentAt: meta.sentAt,
              body: body.bytes,
            })),
      },
      body: body.bytes,
      timeoutMs: action.timeoutMs,
    },
  };
}

type HttpBody =
  { ok: true; bytes: string | Buffer; contentType: string } | { ok: false; error: string };

function httpBody(action: HttpAction, payload: unknown, received: ReceivedParts): HttpBody {
  const mode = action.body ?? 'payload';
  if (mode === 'payload') {
    return { ok: true, bytes: JSON.stringify(payload ?? null), contentType: 'application/json' };
  }
  if (mode === 'raw') {
    if (received.rawBody === null) {
      return {
        ok: false,
        error: 'The raw body of this delivery was not kept (body "raw" was set after it arrived)',
      };
    }
    return {
      ok: true,
      bytes: received.rawBody,
      contentType: received.headers['content-type'] ?? 'application/octet-stream',
    };
  }
  const rendered = renderBodyTemplate(mode, payload);
  if (!rendered.ok) {
    return {
      ok: false,
      error: `The body template's path "${rendered.missingPath}" has no value in the payload`,
    };
  }
  return { ok: true, bytes: JSON.stringify(rendered.value), contentType: 'application/json' };
}

function forwardedHeaders(action: HttpAction, received: ReceivedParts): Record<string, string> {
  const forwarded: Record<string, string> = {};
  for (const name of action.forwardHeaders ?? []) {
    const value = received.headers[name.toLowerCase()];
    if (value !== undefined) {
      forwarded[name.toLowerCase()] = value;
    }
  }
  return forwarded;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}
