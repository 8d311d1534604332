import type { StoredAction } from '../../triggers/trigger.entity';
import { type BuildResult, type DeliveryMeta, deliveryHeaders } from './outbound-request';

type HttpAction = Extract<StoredAction, { type: 'http' }>;

/** `http` action: the event's JSON payload to the configured URL. */
export function buildHttpRequest(
  action: HttpAction,
  payload: unknown,
  meta: DeliveryMeta,
): BuildResult {
  return {
    ok: true,
    request: {
      url: action.url,
      method: action.method,
      // The action's own headers cannot override the delivery headers.
      headers: {
        ...lowerCaseKeys(action.headers ?? {}),
        ...lowerCaseKeys(action.secretHeaders ?? {}),
        'content-type': 'application/json',
        ...deliveryHeaders(meta),
      },
      body: JSON.stringify(payload ?? null),
      timeoutMs: action.timeoutMs,
    },
  };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}
