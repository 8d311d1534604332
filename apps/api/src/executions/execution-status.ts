import type { ExecutionStatus } from '@triggerline/contracts';

export type { ExecutionStatus };

// pending          accepted, waiting for its first attempt (due at once)
// running          claimed by a worker whose lease runs until `lease_expires_at`
// failed_retryable the last attempt failed transiently; due again at `due_at`
// succeeded        an attempt got a 2xx; final
// dead_lettered    failed permanently or ran out of attempts; has a dead letter
// replayed         an operator replayed it; the replay is a new execution
// outcome_unknown  the request was sent but no status came back (onUnknownOutcome hold);
//                  neither retried nor dead-lettered until an operator confirms or replays
// (Which of them an operator may replay: `isReplayable` in @triggerline/contracts.)
