import type { ExecutionStatus } from '../index';

/** Statuses from which an operator may replay an execution. */
export const REPLAYABLE_STATUSES: readonly ExecutionStatus[] = [
  'failed_retryable',
  'dead_lettered',
  // Sent, maybe delivered: replaying is the operator's explicit choice to send it again.
  'outcome_unknown',
];

export function isReplayable(status: ExecutionStatus): boolean {
  return REPLAYABLE_STATUSES.includes(status);
}
