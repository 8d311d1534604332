import { readPath } from '@triggerline/contracts';

// Longer values still order their executions, by their first characters: two keys that share
// them only wait for each other, never run side by side.
export const MAX_ORDERING_KEY_LENGTH = 256;

/**
 * The ordering key of a delivery (SPEC §15): the value at the trigger's `orderingKeyPath` in
 * the body as received, as text. Null when the trigger orders nothing or the value is absent:
 * such an execution waits for no other.
 */
export function orderingKeyOf(body: unknown, path: string | null): string | null {
  if (path === null) {
    return null;
  }
  const value = readPath(body, path);
  if (value === undefined || value === null || value === '') {
    return null;
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.slice(0, MAX_ORDERING_KEY_LENGTH);
}
