import type { IncomingHttpHeaders } from 'node:http';
import { SIGNATURE_HEADERS } from '../verification/verify-signature';

const KEPT_HEADERS = new Set(['content-type', 'user-agent', 'idempotency-key']);
const DROPPED_HEADERS = new Set<string>(SIGNATURE_HEADERS);
const MAX_HEADERS = 50;
const MAX_VALUE_LENGTH = 1024;

/** The request headers worth keeping with an execution: content type, agent, key and X-*. */
export function headersOfInterest(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (Object.keys(kept).length >= MAX_HEADERS || value === undefined) {
      break;
    }
    const isKept = KEPT_HEADERS.has(name) || (name.startsWith('x-') && !DROPPED_HEADERS.has(name));
    if (isKept) {
      const text = Array.isArray(value) ? value.join(', ') : value;
      kept[name] = text.replaceAll('\u0000', '').slice(0, MAX_VALUE_LENGTH);
    }
  }
  return kept;
}
