import type {
  ClassificationRule,
  AttemptOutcome,
  ErrorCategory,
  ExecutionStatus,
  RetryPolicy,
  UnknownOutcomePolicy,
} from '@triggerline/contracts';
import type { StoredAction } from '../triggers/trigger.entity';
import type { TriggerFlowSettings } from './flow-settings';

// What the engine hands along an execution's turn: claimed, attempted, completed.

/** An execution this worker now holds, with everything needed to run its action. */
export interface ClaimedExecution {
  id: string;
  /** The event it delivers: its own id, or for a replay its original's (outbound `webhook-id`). */
  eventId: string;
  triggerId: string;
  triggerSlug: string;
  /** Number of the attempt about to start. */
  attempt: number;
  idempotencyKey: string | null;
  /** The execution this one replays; null for an original delivery. */
  replayOf: string | null;
  handlesDeadLetterId: string | null;
  /** null: the trigger became a pure router after this execution was created. */
  action: StoredAction | null;
  retryPolicy: RetryPolicy;
  payload: unknown;
  /** What the action forwards from the delivery; credential-looking header values sealed. */
  received: { rawBody: Buffer | null; headers: Record<string, string> };
  /** How many Triggerline hops led to this delivery (X-Triggerline-Depth); 0 for a first one. */
  depth: number;
  /** The W3C `traceparent` of the delivery's server span; null when it was not traced. */
  traceParent: string | null;
  /** The trigger's effective `onUnknownOutcome`. */
  onUnknownOutcome: UnknownOutcomePolicy;
  /** The trigger's effective classification rules (SPEC §15), applied before the built-in ones. */
  classificationRules: ClassificationRule[];
  /** Set when the row was running under another worker whose lease expired. */
  reclaimedFrom: { workerId: string | null; claimedAt: Date } | null;
  /** The row as it was before this claim, to put it back unattempted (`release`). */
  claimedFrom: { status: ExecutionStatus; owner: string | null; updatedAt: Date };
  /** The trigger's flow control; null when it has none (the v1 fast path). */
  flow: TriggerFlowSettings | null;
}

export interface Claim {
  /**
   * Those of controlled triggers first: they were admitted for now, are never more than the
   * claim's `limit`, and must start at once. The others may wait in the worker for a slot.
   */
  executions: ClaimedExecution[];
  /** When the next execution not claimed now falls due (a retry or a lease), if any. */
  nextDueAt: Date | null;
  /** Whether another claim now would probably find more (this one was full, or held some). */
  isMoreDue: boolean;
}

export interface AttemptRecord {
  number: number;
  workerId: string;
  startedAt: Date;
  finishedAt: Date;
  outcome: AttemptOutcome;
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

/** Where an execution goes after an attempt. */
export type Transition =
  | { status: 'succeeded' }
  | { status: 'failed_retryable'; dueAt: Date; error: string; category: ErrorCategory }
  | { status: 'dead_lettered'; error: string; category: ErrorCategory; deadLetter: boolean }
  // Not finished: waits, neither retried nor dead-lettered, for an operator's confirmation.
  | { status: 'outcome_unknown'; error: string; category: 'transient' };

/** An attempt whose execution is retried later or done, without a dead letter: the hot path. */

/** An attempt whose execution is retried later or done, without a dead letter: the hot path. */
export interface Completion {
  executionId: string;
  /** The worker that must still hold the lease for anything to be written. */
  workerId: string;
  attempt: AttemptRecord;
  transition: Extract<Transition, { status: 'succeeded' | 'failed_retryable' }>;
}
