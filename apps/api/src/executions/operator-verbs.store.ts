import { Injectable } from '@nestjs/common';
import { type ExecutionStatus, isReplayable } from '@triggerline/contracts';
import { Database, type Sql, type Statement } from '../database/database';
import { executionConditions, type ExecutionMatch } from './execution-conditions';
import { HAS_PAYLOAD, HEADERS, PAYLOAD, payloadJoin } from './execution-payloads';

// What is done to executions from outside the engine's loop: an operator's replay, confirmation
// and erasure, the open work that guards a trigger's deletion, and retention's deletes.

/** Which executions an erasure deletes: at least one of `triggerId` and `idempotencyKey`. */
export type ErasureFilter = ExecutionMatch;

/** Which executions a replay from history copies: created no later than `asOf`. */
export interface HistoryFilter extends ExecutionMatch {
  status?: ExecutionStatus;
  asOf: Date;
}

export type CopyOutcome = { kind: 'replayed'; executionId: string } | { kind: 'not_found' };

/** What a confirmation found; on `confirmed`, what the caller must finish in its transaction. */

/** What a confirmation found; on `confirmed`, what the caller must finish in its transaction. */
export type ConfirmOutcome =
  | { kind: 'not_found' }
  | { kind: 'not_unknown'; status: ExecutionStatus }
  | {
      kind: 'confirmed';
      status: 'succeeded' | 'dead_lettered';
      triggerSlug: string;
      handlesDeadLetterId: string | null;
    };

export type ReplayOutcome =
  | { kind: 'replayed'; executionId: string }
  | { kind: 'not_found' }
  | { kind: 'not_replayable'; status: ExecutionStatus }
  | { kind: 'cooling_down'; remainingMs: number };

/** An execution this worker now holds, with everything needed to run its action. */

const LOCK_FOR_REPLAY: Statement = {
  name: 'executions_lock_for_replay',
  // The row lock makes concurrent replays of one execution wait for each other: the second
  // then sees `replayed` (or the cooldown) and gives way.
  text: `SELECT status,
                CASE WHEN last_replay_at IS NULL THEN NULL
                     ELSE ceil(extract(epoch FROM last_replay_at + $2 * interval '1 millisecond' - now()) * 1000)
                END AS remaining_ms
         FROM executions WHERE id = $1 FOR UPDATE`,
};

const INSERT_REPLAY: Statement = {
  name: 'executions_insert_replay',
  text: `WITH replay AS (
           INSERT INTO executions (trigger_id, status, idempotency_key, due_at, replay_of,
                                   last_replay_at, handles_dead_letter_id, depth, event_id,
                                   ordering_key)
           SELECT trigger_id, 'pending', idempotency_key, now(), id, now(), handles_dead_letter_id,
                  depth, coalesce(event_id, id), ordering_key
           FROM executions WHERE id = $1
           RETURNING id
         ), payload AS (
           -- A copy of its own: the original's shared row goes with the original's delivery.
           INSERT INTO execution_payloads (execution_id, payload, headers, raw_body,
                                           forwarded_headers)
           SELECT replay.id, ${PAYLOAD}, ${HEADERS}, p.raw_body, p.forwarded_headers
           FROM replay, executions e ${payloadJoin('e')}
           WHERE e.id = $1 AND ${HAS_PAYLOAD}
         )
         SELECT id FROM replay`,
};

const INSERT_COPY: Statement = {
  name: 'executions_insert_copy',
  // A replay from history: a new delivery of the original's payload, to its own trigger or
  // $2's; the original keeps its status. Nothing when either is gone (deleted meanwhile).
  text: `WITH copy AS (
           INSERT INTO executions (trigger_id, status, idempotency_key, due_at, replay_of,
                                   last_replay_at, depth, ordering_key)
           SELECT t.id, 'pending', e.idempotency_key, now(), e.id, now(), e.depth,
                  -- Another trigger reads its key at a path of its own: none for a copy.
                  CASE WHEN t.id = e.trigger_id THEN e.ordering_key END
           FROM executions e JOIN triggers t ON t.id = coalesce($2::uuid, e.trigger_id)
           WHERE e.id = $1
           RETURNING id
         ), payload AS (
           INSERT INTO execution_payloads (execution_id, payload, headers)
           SELECT copy.id, ${PAYLOAD}, ${HEADERS}
           FROM copy, executions e ${payloadJoin('e')}
           WHERE e.id = $1 AND ${HAS_PAYLOAD}
         )
         SELECT id FROM copy`,
};

const MARK_REPLAYED: Statement = {
  name: 'executions_mark_replayed',
  // Cancels a scheduled retry: a replayed execution is never claimed again.
  text: `UPDATE executions
         SET status = 'replayed', due_at = NULL, lease_owner = NULL, last_replay_at = now(),
             finished_at = now(), updated_at = now()
         WHERE id = $1`,
};

const DELETE_WITH_RESOLVED_DEAD_LETTERS: Statement = {
  name: 'executions_delete_with_resolved_dead_letters',
  // Deleting the execution cascades to its dead letter, attempts and payload.
  text: `WITH old AS (
           SELECT execution_id FROM dead_letters
           WHERE resolved_at IS NOT NULL AND created_at < now() - $1 * interval '1 day'
           LIMIT $2
           FOR UPDATE SKIP LOCKED
         )
         DELETE FROM executions WHERE id IN (SELECT execution_id FROM old)`,
};

const DELETE_FINISHED: Statement = {
  name: 'executions_delete_finished',
  // Finished longer ago than $1 days: succeeded, replayed, and dead-lettered ones whose dead
  // letter is resolved (a handler's own execution has none). Never unfinished ones, nor
  // outcome_unknown (finished_at stays NULL until an operator decides). The delete cascades
  // to attempts, payloads, duplicate records and the resolved dead letter.
  text: `WITH old AS (
           SELECT e.id FROM executions e
           WHERE e.finished_at < now() - $1 * interval '1 day'
             AND (e.status IN ('succeeded', 'replayed')
                  OR (e.status = 'dead_lettered' AND NOT EXISTS (
                        SELECT 1 FROM dead_letters d
                        WHERE d.execution_id = e.id AND d.resolved_at IS NULL)))
           LIMIT $2
           FOR UPDATE OF e SKIP LOCKED
         )
         DELETE FROM executions WHERE id IN (SELECT id FROM old)`,
};

const LOCK_FOR_CONFIRM: Statement = {
  name: 'executions_lock_for_confirm',
  // Serialises a confirmation with a replay or another confirmation of the same execution.
  text: `SELECT e.status, e.handles_dead_letter_id, t.slug
         FROM executions e JOIN triggers t ON t.id = e.trigger_id
         WHERE e.id = $1 FOR UPDATE OF e`,
};

const CONFIRM: Statement = {
  name: 'executions_confirm',
  // Delivered: succeeded, as if the attempt had got its 2xx. Not delivered: dead-lettered as
  // a transient failure (the caller creates the dead letter in the same transaction). Nobody
  // asks the gateway about it any more: a question in flight finds it settled.
  text: `UPDATE executions
         SET status = $2, finished_at = now(), updated_at = now(),
             reconcile_at = NULL, lease_owner = NULL,
             error_category = CASE WHEN $2 = 'succeeded' THEN NULL ELSE 'transient' END,
             last_error = CASE WHEN $2 = 'succeeded' THEN NULL ELSE last_error END
         WHERE id = $1 AND status = 'outcome_unknown'`,
};

const OPEN_WORK: Statement = {
  name: 'executions_open_work',
  // Unfinished executions (outcome_unknown included) and unresolved dead letters of a trigger.
  text: `SELECT (SELECT count(*)::int FROM executions
                 WHERE trigger_id = $1 AND finished_at IS NULL) AS unfinished,
                (SELECT count(*)::int FROM dead_letters
                 WHERE trigger_id = $1 AND resolved_at IS NULL) AS unresolved`,
};

const ERASE_BATCH_SIZE = 500;

@Injectable()
@Injectable()
export class OperatorVerbsStore {
  constructor(private readonly database: Database) {}

  /**
   * Replays a failed execution as a new pending one and marks the original `replayed`, inside
   * the caller's transaction (which also resolves the original's dead letter).
   */
  async replay(
    sql: Sql,
    input: { executionId: string; cooldownMs: number },
  ): Promise<ReplayOutcome> {
    const { rows } = await sql.run<{ status: ExecutionStatus; remaining_ms: string | null }>(
      LOCK_FOR_REPLAY,
      [input.executionId, input.cooldownMs],
    );
    if (rows.length === 0) {
      return { kind: 'not_found' };
    }
    const [original] = rows;
    if (!isReplayable(original.status)) {
      return { kind: 'not_replayable', status: original.status };
    }
    if (original.remaining_ms !== null && Number(original.remaining_ms) > 0) {
      return { kind: 'cooling_down', remainingMs: Number(original.remaining_ms) };
    }
    const replay = await sql.run<{ id: string }>(INSERT_REPLAY, [input.executionId]);
    await sql.run(MARK_REPLAYED, [input.executionId]);
    return { kind: 'replayed', executionId: replay.rows[0].id };
  }

  /**
   * Copies an execution of any status as a new pending one of `targetTriggerId` (else of its
   * own trigger) with the original's payload, inside the caller's transaction.
   */
  async copyAsReplay(
    sql: Sql,
    input: { executionId: string; targetTriggerId: string | null },
  ): Promise<CopyOutcome> {
    const { rows } = await sql.run<{ id: string }>(INSERT_COPY, [
      input.executionId,
      input.targetTriggerId,
    ]);
    return rows.length === 0
      ? { kind: 'not_found' }
      : { kind: 'replayed', executionId: rows[0].id };
  }

  /** How many executions a replay from history matches now, and that now. */
  async countHistory(
    filter: Omit<HistoryFilter, 'asOf'>,
  ): Promise<{ matched: number; asOf: Date }> {
    const conditions = historyConditions(filter);
    const { rows } = await this.database.query<{ n: number; as_of: Date }>(
      `SELECT count(*)::int AS n, now() AS as_of FROM executions e ${conditions.where}`,
      conditions.params,
    );
    return { matched: rows[0].n, asOf: rows[0].as_of };
  }

  /** One batch of matching executions after `afterId` (by id), for a replay from history. */
  async nextHistoryBatch(
    filter: HistoryFilter,
    afterId: string | null,
    size: number,
  ): Promise<{ id: string }[]> {
    const conditions = historyConditions(filter);
    // Replays it created itself are newer than asOf: a redrive never feeds on its own output.
    conditions.add('e.created_at <= ?::timestamptz', filter.asOf);
    if (afterId !== null) {
      conditions.add('e.id > ?::uuid', afterId);
    }
    const { rows } = await this.database.query<{ id: string }>(
      `SELECT e.id FROM executions e ${conditions.where}
       ORDER BY e.id LIMIT ${conditions.param(size)}`,
      conditions.params,
    );
    return rows;
  }

  /**
   * Settles an outcome_unknown execution with what the operator found out, inside the
   * caller's transaction (which creates the dead letter when it was not delivered).
   */
  async confirm(
    sql: Sql,
    input: { executionId: string; delivered: boolean },
  ): Promise<ConfirmOutcome> {
    const { rows } = await sql.run<{
      status: ExecutionStatus;
      handles_dead_letter_id: string | null;
      slug: string;
    }>(LOCK_FOR_CONFIRM, [input.executionId]);
    if (rows.length === 0) {
      return { kind: 'not_found' };
    }
    const [row] = rows;
    if (row.status !== 'outcome_unknown') {
      return { kind: 'not_unknown', status: row.status };
    }
    const status = input.delivered ? 'succeeded' : 'dead_lettered';
    await sql.run(CONFIRM, [input.executionId, status]);
    return {
      kind: 'confirmed',
      status,
      triggerSlug: row.slug,
      handlesDeadLetterId: row.handles_dead_letter_id,
    };
  }

  /** A trigger's unfinished executions and unresolved dead letters. */
  async openWork(sql: Sql, triggerId: string): Promise<{ unfinished: number; unresolved: number }> {
    const { rows } = await sql.run<{ unfinished: number; unresolved: number }>(OPEN_WORK, [
      triggerId,
    ]);
    return rows[0];
  }

  /** How many executions an erasure matches, running ones included. */
  async countErasable(filter: ErasureFilter): Promise<number> {
    const conditions = executionConditions(filter);
    const { rows } = await this.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM executions e ${conditions.where}`,
      conditions.params,
    );
    return rows[0].n;
  }

  /**
   * Deletes every matching execution that is not running, in batches, with its payload,
   * attempts, duplicate records and dead letter, and the executions of dead-letter handlers
   * that received a copy of it. Answers how many matching executions were deleted.
   */
  async erase(filter: ErasureFilter): Promise<number> {
    let erased = 0;
    for (;;) {
      const conditions = executionConditions(filter);
      conditions.add(`e.status <> 'running'`);
      const { rows } = await this.database.query<{ n: number }>(
        `WITH matched AS (
           SELECT e.id FROM executions e ${conditions.where}
           LIMIT ${conditions.param(ERASE_BATCH_SIZE)}
           FOR UPDATE OF e SKIP LOCKED
         ), copies AS (
           SELECT h.id FROM executions h JOIN dead_letters d ON d.id = h.handles_dead_letter_id
           WHERE d.execution_id IN (SELECT id FROM matched) AND h.status <> 'running'
         ), deleted AS (
           DELETE FROM executions
           WHERE id IN (SELECT id FROM matched UNION SELECT id FROM copies)
           RETURNING id, delivery_payload_id
         ), unshared AS (
           -- Erased means gone: a routed delivery's shared payload with its last sharer.
           DELETE FROM delivery_payloads dp
           WHERE dp.id IN (SELECT delivery_payload_id FROM deleted)
             AND NOT EXISTS (SELECT FROM executions e
                             WHERE e.id = ANY (dp.execution_ids)
                               AND e.id NOT IN (SELECT id FROM deleted))
         )
         SELECT count(*)::int AS n FROM deleted WHERE id IN (SELECT id FROM matched)`,
        conditions.params,
      );
      erased += rows[0].n;
      if (rows[0].n < ERASE_BATCH_SIZE) {
        return erased;
      }
    }
  }

  /**
   * Deletes up to `limit` executions whose dead letters were resolved more than `olderThanDays`
   * ago (with the dead letters, attempts and payloads); answers how many.
   */
  async deleteWithResolvedDeadLetters(input: {
    olderThanDays: number;
    limit: number;
  }): Promise<number> {
    const { rowCount } = await this.database.run(DELETE_WITH_RESOLVED_DEAD_LETTERS, [
      input.olderThanDays,
      input.limit,
    ]);
    return rowCount;
  }

  /**
   * Deletes up to `limit` executions finished more than `olderThanDays` ago that nothing waits
   * for any more (see DELETE_FINISHED); answers how many.
   */
  async deleteFinished(input: { olderThanDays: number; limit: number }): Promise<number> {
    const { rowCount } = await this.database.run(DELETE_FINISHED, [
      input.olderThanDays,
      input.limit,
    ]);
    return rowCount;
  }
}

function historyConditions(filter: Omit<HistoryFilter, 'asOf'>) {
  const conditions = executionConditions(filter);
  if (filter.status !== undefined) {
    conditions.add('e.status = ?', filter.status);
  }
  return conditions;
}
