import { readPath } from '@triggerline/contracts';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * The first non-empty key among the values of the trigger's key headers (in their order), then
 * its body paths. `headers` are the values of those headers in the request, absent ones included.
 */
export function extractIdempotencyKey(input: {
  headers: readonly (string | string[] | undefined)[];
  payload: unknown;
  paths: readonly string[];
}): string | null {
  const { headers, payload, paths } = input;
  const candidates = [
    ...headers.map((header) => (Array.isArray(header) ? header[0] : header)),
    ...paths.map((path) => readKeyPath(payload, path)),
  ];
  for (const candidate of candidates) {
    const key = asKey(candidate);
    if (key !== null) {
      return key;
    }
  }
  return null;
}

/**
 * The value at a body path; a path of several joined by `+` (Meta's `…statuses.0.id+…status`)
 * is their values joined by `:`, present only when every one is.
 */
function readKeyPath(payload: unknown, path: string): unknown {
  if (!path.includes('+')) {
    return readPath(payload, path);
  }
  const parts = path.split('+').map((part) => keyText(readPath(payload, part.trim())));
  return parts.every((part) => part !== '') ? parts.join(':') : undefined;
}

// An over-long key is returned as it is: ingestion refuses it (400) rather than truncating it,
// which could merge two events, or skipping it, which would silently stop deduplication.
function asKey(value: unknown): string | null {
  const key = keyText(value);
  return key !== '' ? key : null;
}

function keyText(value: unknown): string {
  if (typeof value === 'string') {
    return value.trim();
  }
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}
