import { MASKED_VALUE } from '@triggerline/contracts';

/**
 * The payload without the values at `paths` (dotted, array indexes as numbers): removed for
 * storage, or replaced by "***" for display. The input is never changed.
 */
export function redactPaths(
  payload: unknown,
  paths: readonly string[],
  mode: 'remove' | 'mask' = 'remove',
): unknown {
  let result = payload;
  for (const path of paths) {
    result = redactPath(result, path.split('.'), mode);
  }
  return result;
}

function redactPath(value: unknown, keys: string[], mode: 'remove' | 'mask'): unknown {
  if (typeof value !== 'object' || value === null || keys.length === 0) {
    return value;
  }
  const [key, ...rest] = keys;
  if (!Object.hasOwn(value, key)) {
    return value;
  }
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value)
    ? (value as unknown[]).slice()
    : { ...value };
  const record = copy as Record<string, unknown>;
  if (rest.length > 0) {
    record[key] = redactPath(record[key], rest, mode);
  } else if (mode === 'mask') {
    record[key] = MASKED_VALUE;
  } else if (Array.isArray(copy)) {
    record[key] = null; // an array keeps its length: later indexes still mean the same items
  } else {
    delete record[key];
  }
  return copy;
}
