import type { RetryPolicy } from '@triggerline/contracts';
import { hasAttemptsLeft, nextAttemptDelay } from '../retry/retry-policy';
import type { AttemptResult } from './actions/send-request';
import type { Transition } from './dispatch.repository';

/** Where an execution goes after an attempt: done, retried later, or dead. */
export function decideTransition(input: {
  result: Pick<AttemptResult, 'outcome' | 'error' | 'retryAfterMs'>;
  attempt: number;
  policy: RetryPolicy;
  now: Date;
  random: () => number;
  /** Dead-letter handlers never create dead letters of their own (no loops). */
  isHandler: boolean;
}): Transition {
  const { result, attempt, policy } = input;
  if (result.outcome === 'success') {
    return { status: 'succeeded' };
  }
  const error = result.error ?? 'Attempt failed';
  if (result.outcome === 'transient' && hasAttemptsLeft(policy, attempt)) {
    const delay = nextAttemptDelay({
      policy,
      failedAttempt: attempt,
      random: input.random,
      retryAfterMs: result.retryAfterMs,
    });
    return {
      status: 'failed_retryable',
      dueAt: new Date(input.now.getTime() + delay),
      error,
      category: 'transient',
    };
  }
  return { status: 'dead_lettered', error, category: result.outcome, deadLetter: !input.isHandler };
}
