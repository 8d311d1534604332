import { Injectable } from '@nestjs/common';
import { Database, type Sql, type Statement } from '../database/database';

// Order per conversation (SPEC §15), as data: which due executions of an ordered trigger must
// wait for an earlier one of their key, and the wake-up of the next one when a key is
// released. What waits and how is decided above (flow/flow-gate.ts); holding is the claims
// store's.

// An execution's predecessors are the other executions of its trigger and key accepted before
// it (created_at, then id); one running blocks it whenever it was accepted, so that a key never
// has two attempts in flight. Read under the trigger's flow lock, which every claim and
// completion of the trigger takes: no other worker decides or finishes one of them meanwhile.
const BLOCKING_PREDECESSOR = `
  SELECT FROM executions p
  WHERE p.trigger_id = e.trigger_id AND p.ordering_key = e.ordering_key AND p.id <> e.id
    AND (p.finished_at IS NULL OR p.status = 'dead_lettered')
    AND (p.status = 'running'
      OR ((p.created_at, p.id) < (e.created_at, e.id)
        AND (p.finished_at IS NULL
          OR ($2 AND EXISTS (SELECT FROM dead_letters d
                             WHERE d.execution_id = p.id AND d.resolved_at IS NULL)))))`;

const ORDER_OF: Statement = {
  name: 'executions_order_of',
  // $1 the due executions, $2 whether an unresolved dead letter blocks its key ("block").
  text: `SELECT e.id, e.created_at,
                e.ordering_key IS NOT NULL AND EXISTS (${BLOCKING_PREDECESSOR}) AS is_blocked
         FROM executions e WHERE e.id = ANY($1::uuid[])`,
};

const WAKE_SUCCESSOR: Statement = {
  name: 'executions_wake_ordering_successor',
  // The oldest execution waiting for its turn in the key of execution $1 (or of dead letter $2's
  // execution) becomes due now; the claim decides it again (it may still be blocked, by a
  // "block" dead letter or another unfinished predecessor).
  text: `UPDATE executions e SET due_at = now(), updated_at = now()
         WHERE e.id = (
           SELECT s.id FROM executions p
           JOIN executions s ON s.trigger_id = p.trigger_id AND s.ordering_key = p.ordering_key
           WHERE p.id = coalesce($1::uuid, (SELECT execution_id FROM dead_letters WHERE id = $2))
             AND s.held_by = 'ordering' AND s.id <> p.id
             AND s.status IN ('pending', 'failed_retryable')
             AND (s.due_at IS NULL OR s.due_at > now())
           ORDER BY s.created_at, s.id
           LIMIT 1
           FOR UPDATE OF s SKIP LOCKED)`,
};

const TAKE_TURN_WITH_CLAIMS: Statement = {
  name: 'trigger_flow_lock_for_ordering',
  // The lock every claim of the trigger takes (flow/flow.store.ts): a claim that read the key as
  // blocked before the caller's change committed has finished holding its executions by now.
  text: `SELECT f.trigger_id FROM trigger_flow f
         WHERE f.trigger_id = (
           SELECT trigger_id FROM executions
           WHERE id = coalesce($1::uuid, (SELECT execution_id FROM dead_letters WHERE id = $2)))
         FOR UPDATE OF f`,
};

@Injectable()
export class OrderingStore {
  constructor(private readonly database: Database) {}

  /**
   * When each of these executions was accepted and whether an earlier one of its ordering key
   * still holds the key (one running always does); `isBlockedByDeadLetter`: an unresolved dead
   * letter holds its key too.
   */
  async orderOf(
    sql: Sql,
    input: { ids: string[]; isBlockedByDeadLetter: boolean },
  ): Promise<Map<string, { acceptedAt: Date; isBlocked: boolean }>> {
    const { rows } = await sql.run<{ id: string; created_at: Date; is_blocked: boolean }>(
      ORDER_OF,
      [input.ids, input.isBlockedByDeadLetter],
    );
    return new Map(
      rows.map((row) => [row.id, { acceptedAt: row.created_at, isBlocked: row.is_blocked }]),
    );
  }

  /** Makes the next execution waiting for `executionId`'s key due now; answers how many (0, 1). */
  async wakeSuccessor(sql: Sql, executionId: string): Promise<number> {
    const { rowCount } = await sql.run(WAKE_SUCCESSOR, [executionId, null]);
    return rowCount;
  }

  /**
   * After an operator's change that released a key committed (a dead letter resolved, an
   * execution replayed or confirmed): wakes the next execution of the key of `executionId`, or
   * of `deadLetterId`'s execution, in turn with the trigger's claims, so that a claim deciding
   * with what it read before the change cannot hold it again unseen.
   */
  wakeSuccessorInTurn(
    of:
      { executionId: string; deadLetterId?: never } | { deadLetterId: string; executionId?: never },
  ): Promise<number> {
    const values = [of.executionId ?? null, of.deadLetterId ?? null];
    return this.database.transaction(async (sql) => {
      await sql.run(TAKE_TURN_WITH_CLAIMS, values);
      const { rowCount } = await sql.run(WAKE_SUCCESSOR, values);
      return rowCount;
    });
  }
}
