import type { RetryPolicy } from '../index';
import fc from 'fast-check';
import { MAX_RETRY_AFTER_MS, hasAttemptsLeft, nextAttemptDelay } from './retry-policy';

const policy: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  jitterMs: 500,
};
const noJitter = () => 0;

const policies = fc.record({
  maxAttempts: fc.integer({ min: 1, max: 20 }),
  baseDelayMs: fc.integer({ min: 0, max: 1_000_000 }),
  maxDelayMs: fc.integer({ min: 0, max: 1_000_000_000 }),
  jitterMs: fc.integer({ min: 0, max: 100_000 }),
});
const failedAttempts = fc.integer({ min: 1, max: 20 });
const uniforms = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

function backoffOf(p: RetryPolicy, n: number): number {
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (n - 1));
}

describe(nextAttemptDelay.name, () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [6, 32_000],
  ])('doubles the base delay after failed attempt %i (%i ms)', (failedAttempt, expected) => {
    expect(nextAttemptDelay({ policy, failedAttempt, random: noJitter })).toBe(expected);
  });

  it('caps the backoff at maxDelayMs', () => {
    expect(nextAttemptDelay({ policy, failedAttempt: 7, random: noJitter })).toBe(60_000);
    expect(nextAttemptDelay({ policy, failedAttempt: 20, random: noJitter })).toBe(60_000);
  });

  it('adds the floored jitter share', () => {
    expect(nextAttemptDelay({ policy, failedAttempt: 2, random: () => 0.5 })).toBe(2250);
    expect(nextAttemptDelay({ policy, failedAttempt: 2, random: () => 0.0019 })).toBe(2000);
    expect(nextAttemptDelay({ policy, failedAttempt: 2, random: () => 0.999_999 })).toBe(2499);
  });

  it('adds jitter on top of the cap', () => {
    expect(nextAttemptDelay({ policy, failedAttempt: 10, random: () => 0.5 })).toBe(60_250);
  });

  it('stays finite and capped for huge attempt numbers, even with a zero base', () => {
    const huge = { ...policy, baseDelayMs: 1_000_000 };
    expect(nextAttemptDelay({ policy: huge, failedAttempt: 5000, random: noJitter })).toBe(60_000);
    const zero = { ...policy, baseDelayMs: 0 };
    expect(nextAttemptDelay({ policy: zero, failedAttempt: 5000, random: noJitter })).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects failed attempt %p', (failedAttempt) => {
    expect(() => nextAttemptDelay({ policy, failedAttempt, random: noJitter })).toThrow(RangeError);
  });

  it('raises the delay to a longer Retry-After', () => {
    expect(
      nextAttemptDelay({ policy, failedAttempt: 1, random: noJitter, retryAfterMs: 30_000 }),
    ).toBe(30_000);
  });

  it('never lowers the delay for a shorter Retry-After', () => {
    expect(nextAttemptDelay({ policy, failedAttempt: 3, random: noJitter, retryAfterMs: 10 })).toBe(
      4000,
    );
  });

  it('caps Retry-After at one hour', () => {
    for (const retryAfterMs of [MAX_RETRY_AFTER_MS + 1, 86_400_000, Number.POSITIVE_INFINITY]) {
      expect(nextAttemptDelay({ policy, failedAttempt: 1, random: noJitter, retryAfterMs })).toBe(
        MAX_RETRY_AFTER_MS,
      );
    }
  });

  it('ignores an absent or NaN Retry-After', () => {
    for (const retryAfterMs of [null, undefined, Number.NaN]) {
      expect(nextAttemptDelay({ policy, failedAttempt: 2, random: noJitter, retryAfterMs })).toBe(
        2000,
      );
    }
  });

  it('returns whole milliseconds for a fractional Retry-After', () => {
    expect(
      nextAttemptDelay({ policy, failedAttempt: 1, random: noJitter, retryAfterMs: 1500.2 }),
    ).toBe(1501);
  });

  it('stays within [backoff, backoff + jitter] for any policy, attempt and U', () => {
    fc.assert(
      fc.property(policies, failedAttempts, uniforms, (p, n, u) => {
        const delay = nextAttemptDelay({ policy: p, failedAttempt: n, random: () => u });
        const lower = backoffOf(p, n);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(lower);
        expect(delay).toBeLessThanOrEqual(lower + p.jitterMs);
        expect(delay).toBeLessThanOrEqual(p.maxDelayMs + p.jitterMs);
      }),
    );
  });

  it('honours Retry-After up to one hour and never exceeds max(formula, one hour)', () => {
    const retryAfters = fc.integer({ min: 0, max: 10 * MAX_RETRY_AFTER_MS });
    fc.assert(
      fc.property(policies, failedAttempts, uniforms, retryAfters, (p, n, u, retryAfterMs) => {
        const delay = nextAttemptDelay({
          policy: p,
          failedAttempt: n,
          random: () => u,
          retryAfterMs,
        });
        expect(delay).toBeGreaterThanOrEqual(Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
        expect(delay).toBeGreaterThanOrEqual(backoffOf(p, n));
        expect(delay).toBeLessThanOrEqual(
          Math.max(backoffOf(p, n) + p.jitterMs, MAX_RETRY_AFTER_MS),
        );
      }),
    );
  });
});

describe(hasAttemptsLeft.name, () => {
  it('allows another attempt until maxAttempts have been made', () => {
    expect(hasAttemptsLeft(policy, 0)).toBe(true);
    expect(hasAttemptsLeft(policy, 4)).toBe(true);
    expect(hasAttemptsLeft(policy, 5)).toBe(false);
    expect(hasAttemptsLeft(policy, 6)).toBe(false);
  });

  it('allows no retry when maxAttempts is 1', () => {
    expect(hasAttemptsLeft({ ...policy, maxAttempts: 1 }, 1)).toBe(false);
  });
});
