import fc from 'fast-check';
import type { RetryPolicy } from '../index';
import { nextAttemptDelay } from './retry-policy';
import { retrySchedule } from './retry-schedule';

const policies = fc.record({
  maxAttempts: fc.integer({ min: 1, max: 20 }),
  baseDelayMs: fc.integer({ min: 0, max: 86_400_000 }),
  maxDelayMs: fc.integer({ min: 0, max: 86_400_000 }),
  jitterMs: fc.integer({ min: 0, max: 3_600_000 }),
});
const timeouts = fc.integer({ min: 100, max: 120_000 });
const uniforms = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

// The policy formula written out: backoff doubling from the base, capped, plus floored jitter.
function backoff(p: RetryPolicy, failedAttempt: number): number {
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (failedAttempt - 1));
}
function maxJitter(p: RetryPolicy): number {
  return p.jitterMs === 0 ? 0 : p.jitterMs - 1;
}

describe(retrySchedule.name, () => {
  it('gives about 37 s from first attempt to dead letter with the default policy', () => {
    const sut = retrySchedule(
      { maxAttempts: 3, baseDelayMs: 2000, maxDelayMs: 8000, jitterMs: 500 },
      10_000,
    );
    expect(sut).toEqual({
      attempts: [
        { number: 2, earliestMs: 2000, latestMs: 12_499 },
        { number: 3, earliestMs: 6000, latestMs: 26_998 },
      ],
      worstCaseMs: 36_998,
    });
  });

  it('has no retries and the timeout as worst case with maxAttempts 1', () => {
    const sut = retrySchedule(
      { maxAttempts: 1, baseDelayMs: 1000, maxDelayMs: 1000, jitterMs: 100 },
      5000,
    );
    expect(sut).toEqual({ attempts: [], worstCaseMs: 5000 });
  });

  it('matches the sums of the policy formula for any policy and timeout', () => {
    fc.assert(
      fc.property(policies, timeouts, (p, timeoutMs) => {
        const sut = retrySchedule(p, timeoutMs);
        expect(sut.attempts.map((a) => a.number)).toEqual(
          Array.from({ length: p.maxAttempts - 1 }, (_, i) => i + 2),
        );
        let earliest = 0;
        let latest = 0;
        sut.attempts.forEach((attempt, i) => {
          earliest += backoff(p, i + 1);
          latest += timeoutMs + backoff(p, i + 1) + maxJitter(p);
          expect(attempt).toEqual({ number: i + 2, earliestMs: earliest, latestMs: latest });
        });
        expect(sut.worstCaseMs).toBe(latest + timeoutMs);
      }),
    );
  });

  it('bounds every delay the worker can draw', () => {
    fc.assert(
      fc.property(policies, timeouts, fc.array(uniforms, { maxLength: 19 }), (p, timeoutMs, us) => {
        const sut = retrySchedule(p, timeoutMs);
        // One possible history: each attempt takes a share of its timeout, jitter drawn from us.
        let start = 0;
        sut.attempts.forEach((attempt, i) => {
          const u = us[i] ?? 0;
          const took = Math.floor(u * timeoutMs);
          start += took + nextAttemptDelay({ policy: p, failedAttempt: i + 1, random: () => u });
          expect(start).toBeGreaterThanOrEqual(attempt.earliestMs);
          expect(start).toBeLessThanOrEqual(attempt.latestMs);
        });
        expect(start + timeoutMs).toBeLessThanOrEqual(sut.worstCaseMs);
      }),
    );
  });
});
