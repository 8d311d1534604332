import type { RetryPolicy } from '../index';

export const MAX_RETRY_AFTER_MS = 3_600_000;

// Past 2^1023 a double overflows to Infinity, and 0 * Infinity is NaN.
const MAX_EXPONENT = 1023;

export function nextAttemptDelay(input: {
  policy: RetryPolicy;
  failedAttempt: number;
  random: () => number;
  retryAfterMs?: number | null;
}): number {
  const { policy, failedAttempt, random, retryAfterMs } = input;
  if (!Number.isInteger(failedAttempt) || failedAttempt < 1) {
    throw new RangeError(`failedAttempt must be an integer >= 1, got ${failedAttempt}`);
  }
  const exponent = Math.min(failedAttempt - 1, MAX_EXPONENT);
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const delay = backoff + Math.floor(random() * policy.jitterMs);
  if (typeof retryAfterMs !== 'number' || Number.isNaN(retryAfterMs)) {
    return delay;
  }
  return Math.max(delay, Math.ceil(Math.min(retryAfterMs, MAX_RETRY_AFTER_MS)));
}

export function hasAttemptsLeft(policy: RetryPolicy, attemptsMade: number): boolean {
  return attemptsMade < policy.maxAttempts;
}
