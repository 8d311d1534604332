import { EXECUTION_STATUSES, type ExecutionStatus } from '@triggerline/contracts';

// Every state of `ExecutionStatus` (the union the API answers with and the console shows),
// with where it goes next, and whether it is finished: nothing but an operator's replay or
// retention touches a finished execution again. `finished_at` is set on entering a finished
// state and only then, so statements may test either `finished_at` or the status.
const IS_FINISHED: Record<ExecutionStatus, boolean> = {
  /** Accepted, due at once; flow control may hold it (`held_by`) before its attempt starts. */
  pending: false,
  /** A worker holds it while its `due_at` (the lease) lies ahead; reclaimed once it lapses. */
  running: false,
  /** The last attempt failed transiently with attempts left: due again at `due_at`. */
  failed_retryable: false,
  /** An attempt got a 2xx, or an operator confirmed delivery of an unknown outcome. */
  succeeded: true,
  /** Failed permanently or ran out of attempts; has a dead letter unless it is a handler's. */
  dead_lettered: true,
  /** An operator replayed it: the replay is a new execution, this one is never claimed again. */
  replayed: true,
  /** Sent, but no status came back (`onUnknownOutcome: hold`): waits for an operator. */
  outcome_unknown: false,
};

export function isFinished(status: ExecutionStatus): boolean {
  return IS_FINISHED[status];
}

const UNFINISHED_STATUSES = EXECUTION_STATUSES.filter((status) => !isFinished(status));

/** `isFinished` negated, as SQL on an unqualified `status` column. */
export const IS_UNFINISHED = `status IN (${UNFINISHED_STATUSES.map((status) => `'${status}'`).join(', ')})`;
