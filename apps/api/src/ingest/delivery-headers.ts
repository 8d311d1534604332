import type { IncomingHttpHeaders } from 'node:http';
import { isCredentialHeaderName, MASKED_VALUE } from '@triggerline/contracts';

const KEPT_HEADERS = new Set(['content-type', 'user-agent', 'idempotency-key']);
const MAX_HEADERS = 50;
const MAX_VALUE_LENGTH = 1024;

/**
 * The request headers worth keeping with an execution: content type, agent, key and X-*.
 * A header whose name looks like a credential (an API key, a token, a signature) keeps its
 * name only: its value is never stored (SPEC §13).
 */
export function headersOfInterest(headers: IncomingHttpHeaders): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (Object.keys(kept).length >= MAX_HEADERS || value === undefined) {
      break;
    }
    if (KEPT_HEADERS.has(name) || name.startsWith('x-')) {
      const text = Array.isArray(value) ? value.join(', ') : value;
      kept[name] = isCredentialHeaderName(name)
        ? MASKED_VALUE
        : text.replaceAll('\u0000', '').slice(0, MAX_VALUE_LENGTH);
    }
  }
  return kept;
}
