import fc from 'fast-check';
import type { RetryPolicy } from '@triggerline/contracts';
import { decideTransition } from './decide-transition';

describe(decideTransition.name, () => {
  const policy: RetryPolicy = {
    maxAttempts: 3,
    baseDelayMs: 1000,
    maxDelayMs: 8000,
    jitterMs: 500,
  };
  const now = new Date('2026-01-01T00:00:00.000Z');
  const base = {
    policy,
    now,
    random: () => 0.5,
    isHandler: false,
    onUnknownOutcome: 'retry' as const,
  };
  const failure = (
    outcome: 'transient' | 'permanent' | 'unknown',
    retryAfterMs: number | null = null,
  ) => ({
    outcome,
    error: 'HTTP 503 Service Unavailable',
    retryAfterMs,
  });

  it('marks a success succeeded', () => {
    const sut = decideTransition({
      ...base,
      attempt: 1,
      result: { outcome: 'success', error: null, retryAfterMs: null },
    });
    expect(sut).toEqual({ status: 'succeeded' });
  });

  it('schedules a transient failure with attempts left after the backoff', () => {
    const sut = decideTransition({ ...base, attempt: 2, result: failure('transient') });
    // min(8000, 1000 * 2^1) + 0.5 * 500
    expect(sut).toEqual({
      status: 'failed_retryable',
      dueAt: new Date(now.getTime() + 2250),
      error: 'HTTP 503 Service Unavailable',
      category: 'transient',
    });
  });

  it('waits at least as long as Retry-After asks', () => {
    const sut = decideTransition({ ...base, attempt: 1, result: failure('transient', 5000) });
    expect(sut).toMatchObject({
      status: 'failed_retryable',
      dueAt: new Date(now.getTime() + 5000),
    });
  });

  it('dead-letters a transient failure on the last attempt', () => {
    const sut = decideTransition({ ...base, attempt: 3, result: failure('transient') });
    expect(sut).toEqual({
      status: 'dead_lettered',
      error: 'HTTP 503 Service Unavailable',
      category: 'transient',
      deadLetter: true,
    });
  });

  it('dead-letters a permanent failure at once', () => {
    const sut = decideTransition({ ...base, attempt: 1, result: failure('permanent') });
    expect(sut).toMatchObject({ status: 'dead_lettered', category: 'permanent', deadLetter: true });
  });

  it('never gives a dead-letter handler a dead letter of its own', () => {
    const sut = decideTransition({
      ...base,
      isHandler: true,
      attempt: 1,
      result: failure('permanent'),
    });
    expect(sut).toMatchObject({ status: 'dead_lettered', deadLetter: false });
  });

  describe('an unknown outcome', () => {
    it('holds the execution as outcome_unknown with onUnknownOutcome hold, category transient', () => {
      const sut = decideTransition({
        ...base,
        onUnknownOutcome: 'hold',
        attempt: 1,
        result: failure('unknown'),
      });
      expect(sut).toEqual({
        status: 'outcome_unknown',
        error: 'HTTP 503 Service Unavailable',
        category: 'transient',
      });
    });

    it('holds even on the last attempt rather than dead-lettering', () => {
      const sut = decideTransition({
        ...base,
        onUnknownOutcome: 'hold',
        attempt: 3,
        result: failure('unknown'),
      });
      expect(sut.status).toBe('outcome_unknown');
    });

    it('goes on as after a transient failure with onUnknownOutcome retry', () => {
      const unknown = decideTransition({ ...base, attempt: 2, result: failure('unknown') });
      const transient = decideTransition({ ...base, attempt: 2, result: failure('transient') });
      expect(unknown).toEqual(transient);
      const last = decideTransition({ ...base, attempt: 3, result: failure('unknown') });
      expect(last).toMatchObject({ status: 'dead_lettered', category: 'transient' });
    });

    it('never records unknown as an execution category, whatever the attempt and policy', () => {
      fc.assert(
        fc.property(
          fc.constantFrom('transient', 'permanent', 'unknown'),
          fc.constantFrom('retry', 'hold'),
          fc.integer({ min: 1, max: 5 }),
          (outcome, onUnknownOutcome, attempt) => {
            const sut = decideTransition({
              ...base,
              onUnknownOutcome,
              attempt,
              result: failure(outcome),
            });
            expect(sut.status).not.toBe('succeeded');
            if (sut.status !== 'succeeded') {
              expect(['transient', 'permanent']).toContain(sut.category);
            }
            expect(sut.status === 'outcome_unknown').toBe(
              outcome === 'unknown' && onUnknownOutcome === 'hold',
            );
          },
        ),
      );
    });
  });
});
