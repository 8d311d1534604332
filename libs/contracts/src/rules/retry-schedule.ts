import type { RetryPolicy, RetrySchedule } from '../index';
import { nextAttemptDelay } from './retry-policy';

// The largest double below 1: the most jitter Math.random() can draw.
const HIGHEST_UNIFORM = 1 - 2 ** -53;

/**
 * When attempts 2..maxAttempts start, counted from the start of the first: at the earliest
 * (no jitter, requests taking no time) and at the latest (all the jitter, every earlier
 * attempt running for its whole timeout). Retry-After answers are not foreseeable and left out.
 */
export function retrySchedule(policy: RetryPolicy, timeoutMs: number): RetrySchedule {
  const attempts: RetrySchedule['attempts'] = [];
  let earliestMs = 0;
  let latestMs = 0;
  for (let failedAttempt = 1; failedAttempt < policy.maxAttempts; failedAttempt++) {
    earliestMs += nextAttemptDelay({ policy, failedAttempt, random: () => 0 });
    latestMs +=
      timeoutMs + nextAttemptDelay({ policy, failedAttempt, random: () => HIGHEST_UNIFORM });
    attempts.push({ number: failedAttempt + 1, earliestMs, latestMs });
  }
  return { attempts, worstCaseMs: latestMs + timeoutMs };
}
