import { Injectable } from '@nestjs/common';
import type { AttemptReconciliation, RetryPolicy } from '@triggerline/contracts';
import { Database, type Sql, type Statement } from '../database/database';
import type { StoredAction } from '../triggers/trigger.entity';
import type { Transition } from './engine-types';
import { isFinished } from './execution-lifecycle';

// SPEC §15 "Reconciling unknown outcomes": `outcome_unknown` executions asked about at their
// gateway. A worker takes one the way it takes an attempt: under a lease (`lease_owner`, with
// `reconcile_at` as its deadline), so each question is asked by one worker at a time, and its
// answer is written only while that worker still holds the lease and the execution is still
// unknown (an operator's confirmation meanwhile wins).

const SCHEDULE: Statement = {
  name: 'executions_schedule_reconciliation',
  text: `UPDATE executions
         SET reconcile_at = now() + $2 * interval '1 millisecond', reconcile_tries = 0
         WHERE id = $1 AND status = 'outcome_unknown'`,
};

const CLAIM: Statement = {
  name: 'executions_claim_reconciliations',
  // From executions_reconcile_idx: only the executions waiting to be asked are read.
  text: `WITH due AS (
           SELECT id FROM executions
           WHERE status = 'outcome_unknown' AND reconcile_at <= now()
           ORDER BY reconcile_at
           LIMIT $3
           FOR UPDATE SKIP LOCKED
         ), claimed AS (
           UPDATE executions e
           SET lease_owner = $1, reconcile_at = now() + $2 * interval '1 millisecond',
               reconcile_tries = e.reconcile_tries + 1, updated_at = now()
           FROM due WHERE e.id = due.id
           RETURNING e.id, e.trigger_id, e.attempt_count, e.reconcile_tries, e.idempotency_key,
                     e.replay_of, e.handles_dead_letter_id
         )
         SELECT c.*, t.slug, t.action, t.retry_policy
         FROM claimed c JOIN triggers t ON t.id = c.trigger_id`,
};

const NEXT_DUE: Statement = {
  name: 'executions_next_reconciliation',
  text: `SELECT min(reconcile_at) AS next_at FROM executions
         WHERE status = 'outcome_unknown' AND reconcile_at > now()`,
};

const SETTLE: Statement = {
  name: 'executions_settle_reconciliation',
  // $8: ms until the next question; NULL: no more questions.
  text: `UPDATE executions
         SET status = $3, due_at = $4, last_error = $5, error_category = $6,
             finished_at = CASE WHEN $7 THEN now() ELSE NULL END,
             reconcile_at = now() + $8::int * interval '1 millisecond',
             lease_owner = NULL, updated_at = now()
         WHERE id = $1 AND lease_owner = $2 AND status = 'outcome_unknown'`,
};

const NOTE_ON_ATTEMPT: Statement = {
  name: 'attempts_note_reconciliation',
  text: `UPDATE attempts SET reconciliation = $3 WHERE execution_id = $1 AND number = $2`,
};

interface ClaimRow {
  id: string;
  trigger_id: string;
  attempt_count: number;
  reconcile_tries: number;
  idempotency_key: string | null;
  replay_of: string | null;
  handles_dead_letter_id: string | null;
  slug: string;
  action: StoredAction | null;
  retry_policy: RetryPolicy;
}

/** An `outcome_unknown` execution this worker now asks about. */
export interface ClaimedReconciliation {
  id: string;
  triggerId: string;
  triggerSlug: string;
  /** The attempt whose outcome is unknown: the last one made. */
  attempt: number;
  /** This question's number, from 1. */
  tries: number;
  idempotencyKey: string | null;
  replayOf: string | null;
  handlesDeadLetterId: string | null;
  action: StoredAction | null;
  retryPolicy: RetryPolicy;
}

/** Where the execution goes after a question: asked again, left unknown, or a transition. */
export type ReconciledState =
  | { status: 'outcome_unknown'; error: string; askAgainInMs: number | null }
  | Extract<Transition, { status: 'succeeded' | 'failed_retryable' | 'dead_lettered' }>;

@Injectable()
export class ReconciliationsStore {
  constructor(private readonly database: Database) {}

  /** Has an execution that just became `outcome_unknown` asked about in `afterMs`. */
  async schedule(sql: Sql, input: { executionId: string; afterMs: number }): Promise<void> {
    await sql.run(SCHEDULE, [input.executionId, input.afterMs]);
  }

  /** Takes up to `limit` executions due to be asked about, for `workerId`, for `leaseMs`. */
  async claimDue(input: {
    workerId: string;
    leaseMs: number;
    limit: number;
  }): Promise<ClaimedReconciliation[]> {
    const { rows } = await this.database.run<ClaimRow>(CLAIM, [
      input.workerId,
      input.leaseMs,
      input.limit,
    ]);
    return rows.map((row) => ({
      id: row.id,
      triggerId: row.trigger_id,
      triggerSlug: row.slug,
      attempt: row.attempt_count,
      tries: row.reconcile_tries,
      idempotencyKey: row.idempotency_key,
      replayOf: row.replay_of,
      handlesDeadLetterId: row.handles_dead_letter_id,
      action: row.action,
      retryPolicy: row.retry_policy,
    }));
  }

  /** When the next execution not due now is to be asked about; null when none waits. */
  async nextDueAt(): Promise<Date | null> {
    const { rows } = await this.database.run<{ next_at: Date | null }>(NEXT_DUE, []);
    return rows[0]?.next_at ?? null;
  }

  /**
   * Writes the answer on the unknown attempt and the execution's new state, only while
   * `workerId` holds the lease and the execution is still unknown. Answers whether it did.
   */
  async settle(
    sql: Sql,
    input: {
      claimed: ClaimedReconciliation;
      workerId: string;
      answer: AttemptReconciliation;
      state: ReconciledState;
    },
  ): Promise<boolean> {
    const { claimed, state } = input;
    const { rowCount } = await sql.run(SETTLE, [
      claimed.id,
      input.workerId,
      state.status,
      state.status === 'failed_retryable' ? state.dueAt : null,
      state.status === 'succeeded' ? null : state.error,
      state.status === 'succeeded' ? null : 'transient',
      isFinished(state.status),
      state.status === 'outcome_unknown' ? state.askAgainInMs : null,
    ]);
    if (rowCount !== 1) {
      return false;
    }
    await sql.run(NOTE_ON_ATTEMPT, [claimed.id, claimed.attempt, JSON.stringify(input.answer)]);
    return true;
  }
}
