import {
  hasAttemptsLeft,
  nextAttemptDelay,
  type RetryPolicy,
  type UnknownOutcomePolicy,
} from '@triggerline/contracts';
import { categoryOf } from '../retry/error-classifier';
import type { AttemptResult } from './actions/send-request';
import type { Transition } from '../executions/engine-types';

/** Where an execution goes after an attempt: done, retried later, held for a human, or dead. */
export function decideTransition(input: {
  result: Pick<AttemptResult, 'outcome' | 'error' | 'retryAfterMs'>;
  attempt: number;
  policy: RetryPolicy;
  /** The trigger's effective `onUnknownOutcome`. */
  onUnknownOutcome: UnknownOutcomePolicy;
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
  // The target may have acted on it: a second request could deliver it twice.
  if (result.outcome === 'unknown' && input.onUnknownOutcome === 'hold') {
    return { status: 'outcome_unknown', error, category: 'transient' };
  }
  const category = categoryOf(result.outcome);
  if (category === 'transient' && hasAttemptsLeft(policy, attempt)) {
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
      category,
    };
  }
  return { status: 'dead_lettered', error, category, deadLetter: !input.isHandler };
}
