import { isDeepStrictEqual } from 'node:util';

// Field names as the API's bodies spell them: a caller's other keys (any text, up to the body
// limit) are left out, so what the audit log keeps of a body stays small and plain.
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_FIELDS = 50;

/** The top-level field names a request body sent (never values); null when it is no object. */
export function sentFieldNames(body: unknown): string[] | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return null;
  }
  return Object.entries(body)
    .filter(([name, value]) => value !== undefined && FIELD_NAME.test(name))
    .map(([name]) => name)
    .slice(0, MAX_FIELDS);
}

/**
 * The fields an update sent whose stored value differs between `before` and `after`.
 * `storedAs` maps a request field stored under another name (a write-only shorthand such as
 * `secret`, kept in `verification`) to that name.
 */
export function changedFields(input: {
  sent: object;
  before: object;
  after: object;
  storedAs?: Readonly<Record<string, string>>;
}): string[] {
  const before = input.before as Record<string, unknown>;
  const after = input.after as Record<string, unknown>;
  return (sentFieldNames(input.sent) ?? []).filter((name) => {
    const stored = input.storedAs?.[name] ?? name;
    return !isDeepStrictEqual(asJson(before[stored]), asJson(after[stored]));
  });
}

// Compared as the JSON they are stored as: a validated DTO instance equals the plain object
// read back from the database, and keys left undefined count as absent.
function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
