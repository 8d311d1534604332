import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  type AttemptOutcome,
  effectiveUnknownOutcome,
  type ErrorCategory,
  type ExecutionStatus,
  HELD_REASONS,
  type HeldReason,
  isReplayable,
  type RetryPolicy,
  type UnknownOutcomePolicy,
} from '@triggerline/contracts';
import { Database, type Sql, type Statement } from '../database/database';
import { type Admission, decideAdmissions } from '../flow/flow-decision';
import {
  FLOW_COLUMNS,
  type FlowColumns,
  IS_GATED_TRIGGER,
  toFlowSettings,
  type TriggerFlowSettings,
} from '../flow/flow-settings';
import { FlowStore } from '../flow/flow.store';
import { claimBatchSize } from './claim-statement';
import { executionConditions, type ExecutionMatch } from './execution-conditions';
import { isFinished } from './execution-lifecycle';
import { GroupCommit } from './group-commit';
import type { StoredAction } from '../triggers/trigger.entity';

// The one owner of `executions` and of the rows that belong to an execution
// (`execution_payloads`, `attempts`, `duplicate_deliveries`): every INSERT, UPDATE and DELETE
// of them is here. Reads for the API's lists live in executions.repository.ts and the stats'
// aggregates in stats.repository.ts. Methods that take `sql` run inside the caller's
// transaction; the others run on the pool.

export interface NewDelivery {
  triggerId: string;
  idempotencyKey: string | null;
  payload: unknown;
  headers: Record<string, string>;
  /** SHA-256 of the raw body, kept with the original to tell a key reused for another event. */
  bodySha256: Buffer;
  /** X-Triggerline-Depth of the delivery (0 when absent). */
  depth: number;
}

export type DeliveryOutcome =
  | { kind: 'accepted'; executionId: string }
  | { kind: 'duplicate'; executionId: string; conflict: boolean };

/** Which executions an erasure deletes: at least one of `triggerId` and `idempotencyKey`. */
export type ErasureFilter = ExecutionMatch;

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
export interface ClaimedExecution {
  id: string;
  triggerId: string;
  triggerSlug: string;
  /** Number of the attempt about to start. */
  attempt: number;
  idempotencyKey: string | null;
  handlesDeadLetterId: string | null;
  action: StoredAction;
  retryPolicy: RetryPolicy;
  payload: unknown;
  /** How many Triggerline hops led to this delivery (X-Triggerline-Depth); 0 for a first one. */
  depth: number;
  /** The trigger's effective `onUnknownOutcome`. */
  onUnknownOutcome: UnknownOutcomePolicy;
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
export interface Completion {
  executionId: string;
  /** The worker that must still hold the lease for anything to be written. */
  workerId: string;
  attempt: AttemptRecord;
  transition: Extract<Transition, { status: 'succeeded' | 'failed_retryable' }>;
}

interface ClaimRow extends FlowColumns {
  next_due_at: Date | null;
  gated_trigger_ids: string[] | null;
  id: string | null;
  trigger_id: string;
  attempt_count: number;
  idempotency_key: string | null;
  handles_dead_letter_id: string | null;
  previous_status: ExecutionStatus;
  previous_owner: string | null;
  previous_claimed_at: Date;
  slug: string;
  action: StoredAction;
  retry_policy: RetryPolicy;
  on_unknown_outcome: UnknownOutcomePolicy | null;
  depth: number;
  payload: unknown;
}

// Deduplication: the partial unique index of original deliveries is the arbiter. Racing
// duplicates wait for the first insert and then do nothing: no check-then-insert, no catching
// of unique violations.
const SKIP_DUPLICATE_KEY = `ON CONFLICT (trigger_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL AND replay_of IS NULL DO NOTHING`;

const INSERT_DELIVERIES: Statement = {
  name: 'executions_insert_deliveries',
  // A batch of deliveries (see `GroupCommit`) with their payloads in one statement, hence one
  // implicit transaction and one commit. The ids come from Node, so that each caller finds its
  // row among those returned; a row not returned is a duplicate, of an older row or of an
  // earlier row of this very batch (DO NOTHING skips those too). Arrays make one statement for
  // every batch size.
  text: `WITH input AS (
           SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[],
                                $6::bytea[], $7::smallint[])
             AS d(id, trigger_id, idempotency_key, payload, headers, body_sha256, depth)
         ), inserted AS (
           INSERT INTO executions (id, trigger_id, status, idempotency_key, due_at, body_sha256,
                                   depth)
           SELECT id, trigger_id, 'pending', idempotency_key, now(), body_sha256, depth FROM input
           ${SKIP_DUPLICATE_KEY}
           RETURNING id
         ), stored AS (
           INSERT INTO execution_payloads (execution_id, payload, headers)
           SELECT id, d.payload::jsonb, d.headers::jsonb FROM inserted JOIN input d USING (id)
         )
         SELECT id FROM inserted`,
};

const INSERT_DELIVERY: Statement = {
  name: 'executions_insert_delivery',
  // One delivery alone, as INSERT_DELIVERIES does it but lighter for PostgreSQL (no arrays to
  // unpack, no join): a batch of one (every delivery at idle); each delivery of a batch that
  // failed, so that one bad row's error stays its own; a duplicate whose original was deleted
  // before it was counted.
  text: `WITH inserted AS (
           INSERT INTO executions (trigger_id, status, idempotency_key, due_at, body_sha256, depth)
           VALUES ($1, 'pending', $2, now(), $5, $6)
           ${SKIP_DUPLICATE_KEY}
           RETURNING id
         ), stored AS (
           INSERT INTO execution_payloads (execution_id, payload, headers)
           SELECT id, $3::jsonb, $4::jsonb FROM inserted
         )
         SELECT id FROM inserted`,
};

const COUNT_DUPLICATE: Statement = {
  name: 'executions_count_duplicate',
  // Whether the duplicate's body differed from the original's: a key reused for another
  // event. Originals stored before body hashes existed never conflict.
  text: `INSERT INTO duplicate_deliveries (trigger_id, execution_id, conflict)
         SELECT trigger_id, id, coalesce(body_sha256 <> $3, false) FROM executions
         WHERE trigger_id = $1 AND idempotency_key = $2 AND replay_of IS NULL
         RETURNING execution_id, conflict`,
};

/** A delivery as INSERT_DELIVERIES takes it: its id chosen here, its JSON serialised. */
interface DeliveryRow {
  id: string;
  triggerId: string;
  idempotencyKey: string | null;
  payload: string;
  headers: string;
  bodySha256: Buffer;
  depth: number;
}

// Two batches in flight: while PostgreSQL commits one, the api answers the other's webhooks
// and the deliveries that wait gather for the next, so neither side idles. More would split
// those into more, smaller commits where the database's CPU is the limit, and take more of the
// api's pool (10 connections) from other requests.
const DELIVERY_BATCHES_IN_FLIGHT = 2;
// At 100 rows a round trip and a commit are shared 100 ways already; larger batches would
// only make each webhook in them wait for more rows, and hold their keys (which duplicates
// wait for) longer. The size cap keeps large bodies (up to MAX_BODY_BYTES, 1 MiB by default)
// from making one huge message.
const MAX_DELIVERY_BATCH = 100;
const MAX_DELIVERY_BATCH_CHARS = 4 * 1024 * 1024;

function byTriggerAndKey(a: DeliveryRow, b: DeliveryRow): number {
  if (a.triggerId !== b.triggerId) {
    return a.triggerId < b.triggerId ? -1 : 1;
  }
  const [keyA, keyB] = [a.idempotencyKey ?? '', b.idempotencyKey ?? ''];
  return keyA === keyB ? 0 : keyA < keyB ? -1 : 1;
}

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
                                   last_replay_at, handles_dead_letter_id, depth)
           SELECT trigger_id, 'pending', idempotency_key, now(), id, now(), handles_dead_letter_id,
                  depth
           FROM executions WHERE id = $1
           RETURNING id
         ), payload AS (
           INSERT INTO execution_payloads (execution_id, payload, headers)
           SELECT replay.id, p.payload, p.headers
           FROM replay, execution_payloads p WHERE p.execution_id = $1
         )
         SELECT id FROM replay`,
};

const MARK_REPLAYED: Statement = {
  name: 'executions_mark_replayed',
  // Cancels a scheduled retry: a replayed execution is never claimed again.
  text: `UPDATE executions
         SET status = 'replayed', due_at = NULL, lease_owner = NULL, last_replay_at = now(),
             finished_at = now(), updated_at = now()
         WHERE id = $1`,
};

// Starts an attempt; `worker` and `lease` are the parameters holding the worker id and the
// lease in ms.
const startAttempt = (
  worker: string,
  lease: string,
) => `status = 'running', lease_owner = ${worker},
  due_at = now() + ${lease} * interval '1 millisecond',
  attempt_count = e.attempt_count + 1, held_by = NULL, updated_at = now()`;

const CLAIMED_COLUMNS = `c.*, t.slug, t.action, t.retry_policy, t.on_unknown_outcome,
  ${FLOW_COLUMNS}, p.payload`;

// One statement per claim size, with the size written as its LIMIT (see `claimBatchSize`).
// Parameters: $1 worker id, $2 lease in ms.
const claimStatement = (size: number): Statement => ({
  name: `executions_claim_${size}`,
  // Claims up to `size` due executions: pending ones, retries whose time has come and running ones
  // whose lease expired. `due_at` holds whichever of those times applies, and finished rows
  // have it NULL, so one partial index serves the whole claim. The same statement answers when
  // the next row not claimed now falls due (the subquery sees the rows as they were before this
  // statement, so the claimed ones are not counted; due rows that others hold locked are theirs).
  // Due rows of triggers with flow control are not claimed here: their trigger ids come back
  // (`gated_trigger_ids`) for `claimGated`. A reclaim continues an admitted attempt: never gated.
  // The LEFT JOIN keeps one row, with only next_due_at, when nothing was claimed.
  text: `WITH due AS (
           SELECT e.id, e.trigger_id, e.status AS previous_status,
                  e.lease_owner AS previous_owner, e.updated_at AS previous_claimed_at,
                  e.status <> 'running' AND ${IS_GATED_TRIGGER} AS is_gated
           FROM executions e JOIN triggers t ON t.id = e.trigger_id
           WHERE e.due_at <= now()
           ORDER BY e.due_at
           LIMIT ${size}
           FOR UPDATE OF e SKIP LOCKED
         ), claimed AS (
           UPDATE executions e SET ${startAttempt('$1', '$2')}
           FROM due WHERE e.id = due.id AND NOT due.is_gated
           RETURNING e.id, e.trigger_id, e.attempt_count, e.idempotency_key,
                     e.handles_dead_letter_id, e.depth, due.previous_status, due.previous_owner,
                     due.previous_claimed_at
         )
         SELECT n.next_due_at, g.gated_trigger_ids, ${CLAIMED_COLUMNS}
         FROM (SELECT min(due_at) AS next_due_at FROM executions WHERE due_at > now()) n
         CROSS JOIN (SELECT array_agg(DISTINCT trigger_id ORDER BY trigger_id) AS gated_trigger_ids
                     FROM due WHERE is_gated) g
         LEFT JOIN (claimed c
                    JOIN triggers t ON t.id = c.trigger_id
                    LEFT JOIN execution_payloads p ON p.execution_id = c.id) ON true`,
});
const CLAIMS = new Map<number, Statement>();

const TRIGGER_FLOW: Statement = {
  name: 'executions_trigger_flow',
  text: `SELECT t.id AS trigger_id, ${FLOW_COLUMNS} FROM triggers t WHERE t.id = $1`,
};

const GATED_DUE: Statement = {
  name: 'executions_gated_due',
  // A controlled trigger's due executions, oldest first, and its attempts in flight on any
  // worker; both from executions_trigger_due_idx, never from other triggers' rows.
  text: `WITH due AS (
           SELECT id, attempt_count, due_at FROM executions
           WHERE trigger_id = $1 AND status IN ('pending', 'failed_retryable') AND due_at <= $2
           ORDER BY due_at
           LIMIT $3
           FOR UPDATE SKIP LOCKED
         )
         SELECT r.running, due.id, due.attempt_count
         FROM (SELECT count(*)::int AS running FROM executions
               WHERE trigger_id = $1 AND status = 'running' AND due_at IS NOT NULL) r
         LEFT JOIN due ON true
         ORDER BY due.due_at`,
};

const START_GATED: Statement = {
  name: 'executions_start_gated',
  // The rows are locked by GATED_DUE in the same transaction: `before` is how they were.
  text: `WITH claimed AS (
           UPDATE executions e SET ${startAttempt('$2', '$3')}
           FROM (SELECT id, status, lease_owner, updated_at FROM executions
                 WHERE id = ANY($1::uuid[])) before
           WHERE e.id = before.id
           RETURNING e.id, e.trigger_id, e.attempt_count, e.idempotency_key,
                     e.handles_dead_letter_id, e.depth, before.status AS previous_status,
                     before.lease_owner AS previous_owner, before.updated_at AS previous_claimed_at
         )
         SELECT ${CLAIMED_COLUMNS}
         FROM claimed c
         JOIN triggers t ON t.id = c.trigger_id
         LEFT JOIN execution_payloads p ON p.execution_id = c.id`,
};

const HOLD: Statement = {
  name: 'executions_hold',
  // Held executions keep their status and attempts; only their due time and reason change.
  // A NULL due time takes them out of the due index until something wakes them.
  text: `UPDATE executions e SET held_by = h.held_by, due_at = h.due_at, updated_at = now()
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS h(id, held_by, due_at)
         WHERE e.id = h.id`,
};

const WAKE_HELD: Statement = {
  name: 'executions_wake_held',
  // Held executions of $1 for one of the reasons $2, oldest first, at most $3 (NULL: all):
  // those out of the due index, and with $6 also those held until a later time. They become
  // due at $4 (NULL: now), held by $5 (NULL: unchanged). Rows a claim holds are skipped: that
  // claim decides them.
  text: `UPDATE executions e
         SET due_at = coalesce($4::timestamptz, now()), held_by = coalesce($5, e.held_by),
             updated_at = now()
         WHERE e.id IN (
           SELECT id FROM executions
           WHERE trigger_id = ANY($1::uuid[]) AND held_by = ANY($2::text[])
             AND (due_at IS NULL OR ($6 AND due_at > now()))
             AND status IN ('pending', 'failed_retryable')
           ORDER BY held_by, created_at
           LIMIT $3
           FOR UPDATE SKIP LOCKED)`,
};

// A controlled trigger's due executions decided per claim: enough to hold a burst at once.
const MAX_GATED_BATCH = 1000;

const RELEASE: Statement = {
  name: 'executions_release',
  // Only while this worker still holds the lease: one that lapsed is another worker's now.
  text: `UPDATE executions e
         SET status = r.status, lease_owner = r.owner, attempt_count = e.attempt_count - 1,
             due_at = now(), updated_at = r.updated_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[])
           AS r(id, status, owner, updated_at)
         WHERE e.id = r.id AND e.lease_owner = $5 AND e.status = 'running'`,
};

const RENEW_LEASES: Statement = {
  name: 'executions_renew_leases',
  text: `UPDATE executions SET due_at = now() + $3 * interval '1 millisecond'
         WHERE id = ANY($1::uuid[]) AND lease_owner = $2 AND status = 'running'`,
};

const APPLY_TRANSITION: Statement = {
  name: 'executions_apply_transition',
  text: `UPDATE executions
         SET status = $3, due_at = $4, lease_owner = NULL, last_error = $5, error_category = $6,
             updated_at = now(), finished_at = CASE WHEN $7 THEN now() ELSE NULL END,
             attempt_count = $8
         WHERE id = $1 AND lease_owner = $2 AND status = 'running'`,
};

const COMPLETE: Statement = {
  name: 'executions_complete',
  // A batch of completions in one statement, hence one transaction: each execution moves to
  // its new state only while its worker still holds the lease, and its attempt is recorded only
  // when that update matched. A worker that lost a lease writes nothing for that execution.
  text: `WITH input AS (
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::timestamptz[],
                                $6::text[], $7::text[], $8::timestamptz[], $9::timestamptz[],
                                $10::int[], $11::text[], $12::int[], $13::text[], $14::text[])
             AS i(id, worker_id, number, status, due_at, last_error, error_category, started_at,
                  finished_at, duration_ms, outcome, http_status, error, response_excerpt)
         ), moved AS (
           UPDATE executions e
           SET status = i.status, due_at = i.due_at, lease_owner = NULL,
               last_error = i.last_error, error_category = i.error_category, updated_at = now(),
               finished_at = CASE WHEN i.status = 'failed_retryable' THEN NULL ELSE now() END,
               attempt_count = i.number
           FROM input i
           WHERE e.id = i.id AND e.lease_owner = i.worker_id AND e.status = 'running'
           RETURNING e.id
         ), recorded AS (
           INSERT INTO attempts (execution_id, number, worker_id, started_at, finished_at,
                                 duration_ms, outcome, http_status, error, response_excerpt)
           SELECT i.id, i.number, i.worker_id, i.started_at, i.finished_at, i.duration_ms,
                  i.outcome, i.http_status, i.error, i.response_excerpt
           FROM input i JOIN moved m ON m.id = i.id
           ON CONFLICT (execution_id, number) DO NOTHING
         )
         SELECT id FROM moved`,
};

const INSERT_ATTEMPT: Statement = {
  name: 'attempts_insert',
  text: `INSERT INTO attempts (execution_id, number, worker_id, started_at, finished_at,
                              duration_ms, outcome, http_status, error, response_excerpt)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (execution_id, number) DO NOTHING`,
};

const INSERT_HANDLER_EXECUTIONS: Statement = {
  name: 'executions_insert_handlers',
  text: `WITH handler AS (
           INSERT INTO executions (trigger_id, status, due_at, handles_dead_letter_id, depth)
           SELECT trigger_id, 'pending', now(), $2,
                  -- A handler is one more hop: a handler whose action feeds a hook is loop-guarded.
                  (SELECT e.depth + 1 FROM dead_letters d JOIN executions e ON e.id = d.execution_id
                   WHERE d.id = $2)
           FROM unnest($1::uuid[]) AS trigger_id
           RETURNING id
         )
         INSERT INTO execution_payloads (execution_id, payload, headers)
         SELECT id, $3::jsonb, '{}'::jsonb FROM handler`,
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
  // a transient failure (the caller creates the dead letter in the same transaction).
  text: `UPDATE executions
         SET status = $2, finished_at = now(), updated_at = now(),
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
export class ExecutionsStore {
  private readonly deliveries = new GroupCommit<DeliveryRow, string | null>({
    write: (rows) => this.insertDeliveries(rows),
    maxInFlight: DELIVERY_BATCHES_IN_FLIGHT,
    maxItems: MAX_DELIVERY_BATCH,
    maxWeight: MAX_DELIVERY_BATCH_CHARS,
    weigh: (row) => row.payload.length + row.headers.length,
  });

  constructor(
    private readonly database: Database,
    private readonly flow: FlowStore,
  ) {}

  /**
   * Stores a delivery as a pending execution, or counts it as a duplicate of the original.
   * Concurrent deliveries share one statement (`deliveries`); this answers once the statement
   * that wrote this one has committed.
   */
  async recordDelivery(delivery: NewDelivery): Promise<DeliveryOutcome> {
    const row: DeliveryRow = {
      id: randomUUID(),
      triggerId: delivery.triggerId,
      idempotencyKey: delivery.idempotencyKey,
      payload: JSON.stringify(delivery.payload ?? null),
      headers: JSON.stringify(delivery.headers),
      bodySha256: delivery.bodySha256,
      depth: delivery.depth,
    };
    let insertedId = await this.deliveries.submit(row);
    for (;;) {
      if (insertedId !== null) {
        return { kind: 'accepted', executionId: insertedId };
      }
      const original = await this.database.run<{ execution_id: string; conflict: boolean }>(
        COUNT_DUPLICATE,
        [row.triggerId, row.idempotencyKey, row.bodySha256],
      );
      if (original.rows.length > 0) {
        const [found] = original.rows;
        return { kind: 'duplicate', executionId: found.execution_id, conflict: found.conflict };
      }
      // The original was deleted (retention) between the two statements: insert again.
      insertedId = await this.insertDelivery(row);
    }
  }

  /** Each row's execution id if it was inserted, null if it is a duplicate. */
  private async insertDeliveries(
    rows: DeliveryRow[],
  ): Promise<PromiseSettledResult<string | null>[]> {
    if (rows.length === 1) {
      return Promise.allSettled([this.insertDelivery(rows[0])]);
    }
    // The same order in every batch: two batches each waiting for a key the other inserted
    // first would deadlock.
    const sorted = rows.toSorted(byTriggerAndKey);
    try {
      const inserted = await this.database.run<{ id: string }>(INSERT_DELIVERIES, [
        sorted.map((row) => row.id),
        sorted.map((row) => row.triggerId),
        sorted.map((row) => row.idempotencyKey),
        sorted.map((row) => row.payload),
        sorted.map((row) => row.headers),
        sorted.map((row) => row.bodySha256),
        sorted.map((row) => row.depth),
      ]);
      const ids = new Set(inserted.rows.map(({ id }) => id));
      return rows.map((row) => ({ status: 'fulfilled', value: ids.has(row.id) ? row.id : null }));
    } catch {
      // One delivery's refusal (a payload PostgreSQL will not store, a trigger deleted since)
      // must not become the others' error: each tries alone and gets its own answer.
      return Promise.allSettled(rows.map((row) => this.insertDelivery(row)));
    }
  }

  private async insertDelivery(row: DeliveryRow): Promise<string | null> {
    const inserted = await this.database.run<{ id: string }>(INSERT_DELIVERY, [
      row.triggerId,
      row.idempotencyKey,
      row.payload,
      row.headers,
      row.bodySha256,
      row.depth,
    ]);
    return inserted.rows[0]?.id ?? null;
  }

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
   * Claims due executions for `workerId` and answers when the next falls due: up to `limit` to
   * start now and, of triggers without flow control, up to `ahead` more to start when a slot
   * frees (a worker's local queue). Those of triggers without flow control in one statement;
   * those of controlled triggers trigger by trigger under each one's flow lock (`claimGated`):
   * their limits were decided for now, so they are never claimed ahead.
   */
  async claim(input: {
    limit: number;
    ahead?: number;
    workerId: string;
    leaseMs: number;
  }): Promise<Claim> {
    const size = claimBatchSize(input.limit + (input.ahead ?? 0));
    let claim = CLAIMS.get(size);
    if (claim === undefined) {
      claim = claimStatement(size);
      CLAIMS.set(size, claim);
    }
    const { rows } = await this.database.run<ClaimRow>(claim, [input.workerId, input.leaseMs]);
    const unGated = rows.filter((row) => row.id !== null).map(toClaimedExecution);
    const gatedExecutions: ClaimedExecution[] = [];
    let isMoreDue = unGated.length === size;
    for (const triggerId of rows[0]?.gated_trigger_ids ?? []) {
      // Controlled triggers' rows among the due ones left room in `size`: they get it, up to
      // `limit` in all, so a backlog claimed ahead never starves them.
      const capacity = Math.min(input.limit, size - unGated.length) - gatedExecutions.length;
      if (capacity <= 0) {
        isMoreDue = true;
        break;
      }
      const gated = await this.claimGated({ ...input, triggerId, limit: capacity });
      gatedExecutions.push(...gated.executions);
      // Held executions left the due index: the next claim finds others behind them.
      isMoreDue ||= gated.held > 0 || gated.isWaiting;
    }
    return {
      executions: [...gatedExecutions, ...unGated],
      nextDueAt: rows[0]?.next_due_at ?? null,
      isMoreDue,
    };
  }

  /**
   * Puts executions this worker claimed but never attempted back as they were (status, lease
   * owner, attempt count), due now: a worker shutting down hands its local queue back without
   * spending attempts. Answers how many it still held.
   */
  async release(input: { executions: ClaimedExecution[]; workerId: string }): Promise<number> {
    if (input.executions.length === 0) {
      return 0;
    }
    const { rowCount } = await this.database.run(RELEASE, [
      input.executions.map((execution) => execution.id),
      input.executions.map((execution) => execution.claimedFrom.status),
      input.executions.map((execution) => execution.claimedFrom.owner),
      input.executions.map((execution) => execution.claimedFrom.updatedAt),
      input.workerId,
    ]);
    return rowCount;
  }

  /**
   * Decides a controlled trigger's due executions in one transaction, under its flow row's
   * lock: every worker's claims and completions of the trigger take turns, so the limits hold
   * across processes. Those allowed start; the others are held (`held_by`), due again when
   * they may run, or out of the due index until woken. Waiting spends no attempt.
   */
  private claimGated(input: {
    triggerId: string;
    limit: number;
    workerId: string;
    leaseMs: number;
  }): Promise<{ executions: ClaimedExecution[]; held: number; isWaiting: boolean }> {
    return this.database.transaction(async (sql) => {
      const { rows: triggers } = await sql.run<FlowColumns>(TRIGGER_FLOW, [input.triggerId]);
      const settings = triggers.length === 0 ? null : toFlowSettings(triggers[0]);
      if (settings === null) {
        // Its controls were just switched off: the next claim takes the fast path.
        return { executions: [], held: 0, isWaiting: triggers.length > 0 };
      }
      const locked = await this.flow.lock(sql, settings);
      const { rows } = await sql.run<{
        running: number;
        id: string | null;
        attempt_count: number;
      }>(GATED_DUE, [input.triggerId, locked.now, MAX_GATED_BATCH]);
      const candidates = rows.filter((row) => row.id !== null);
      const { admissions, circuit } = decideAdmissions({
        controls: {
          paused: settings.paused,
          rateLimit: settings.rateLimit,
          maxConcurrency: settings.maxConcurrency,
          circuitBreaker: settings.circuitBreaker,
          watermarkHold: locked.isWatermarkReleased ? null : settings.watermarkHold,
        },
        snapshot: { ...locked, running: rows[0]?.running ?? 0 },
        candidates: candidates.map((row) => ({ isFirstAttempt: row.attempt_count === 0 })),
        capacity: input.limit,
        now: locked.now.getTime(),
      });
      const starting = candidates.filter((_, index) => admissions[index].kind === 'start');
      const holds = candidates.flatMap((row, index) => {
        const admission = admissions[index];
        return admission.kind === 'hold' ? [{ id: row.id!, admission }] : [];
      });
      await holdExecutions(sql, holds);
      const executions =
        starting.length === 0
          ? []
          : (
              await sql.run<ClaimRow>(START_GATED, [
                starting.map((row) => row.id),
                input.workerId,
                input.leaseMs,
              ])
            ).rows.map(toClaimedExecution);
      await this.flow.recordStarts(sql, {
        settings,
        at: locked.now,
        attempts: starting.length,
        firstAttempts: starting.filter((row) => row.attempt_count === 0).length,
      });
      if (circuit !== locked.circuit) {
        await this.flow.saveCircuit(sql, input.triggerId, circuit);
      }
      return {
        executions,
        held: holds.length,
        isWaiting: admissions.some((admission) => admission.kind === 'wait'),
      };
    });
  }

  /**
   * Makes held executions of these triggers due now (or at `dueAt`, held by `heldBy`): those
   * out of the due index, and with `isRescheduling` also those held until later. Answers how
   * many.
   */
  async wakeHeld(
    sql: Sql,
    input: {
      triggerIds: string[];
      reasons: readonly HeldReason[];
      limit?: number;
      dueAt?: Date;
      heldBy?: HeldReason;
      isRescheduling?: boolean;
    },
  ): Promise<number> {
    const { rowCount } = await sql.run(WAKE_HELD, [
      input.triggerIds,
      input.reasons,
      input.limit ?? null,
      input.dueAt ?? null,
      input.heldBy ?? null,
      input.isRescheduling ?? false,
    ]);
    return rowCount;
  }

  /** Makes everything a trigger holds due at once, for the claim to decide again. */
  wakeAllHeld(triggerId: string): Promise<number> {
    return this.wakeHeld(this.database, {
      triggerIds: [triggerId],
      reasons: HELD_REASONS,
      isRescheduling: true,
    });
  }

  /** Extends the leases this worker still holds; answers how many it holds. */
  async renewLeases(input: { ids: string[]; workerId: string; leaseMs: number }): Promise<number> {
    if (input.ids.length === 0) {
      return 0;
    }
    const { rowCount } = await this.database.run(RENEW_LEASES, [
      input.ids,
      input.workerId,
      input.leaseMs,
    ]);
    return rowCount;
  }

  /**
   * Records a batch of attempts with their executions' new states in one statement. Answers the
   * ids written; the others' leases were lost and nothing was written for them.
   */
  async complete(completions: Completion[]): Promise<Set<string>> {
    const columns = completions.map(({ executionId, workerId, attempt, transition }) => {
      const isRetry = transition.status === 'failed_retryable';
      return [
        executionId,
        workerId,
        attempt.number,
        transition.status,
        isRetry ? transition.dueAt : null,
        isRetry ? transition.error : null,
        isRetry ? transition.category : null,
        ...attemptValues(attempt),
      ];
    });
    const values = Array.from({ length: 14 }, (_, column) => columns.map((row) => row[column]));
    const { rows } = await this.database.run<{ id: string }>(COMPLETE, values);
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Moves a running execution to its new state, only while `workerId` holds its lease. Answers
   * false when the lease was lost: another worker holds the execution now, nothing changed.
   */
  async applyTransition(
    sql: Sql,
    input: { executionId: string; workerId: string; attemptCount: number; transition: Transition },
  ): Promise<boolean> {
    const { transition } = input;
    const { rowCount } = await sql.run(APPLY_TRANSITION, [
      input.executionId,
      input.workerId,
      transition.status,
      transition.status === 'failed_retryable' ? transition.dueAt : null,
      transition.status === 'succeeded' ? null : transition.error,
      transition.status === 'succeeded' ? null : transition.category,
      isFinished(transition.status),
      input.attemptCount,
    ]);
    return rowCount === 1;
  }

  /** Records an attempt; a second record of the same attempt number is ignored. */
  async insertAttempt(sql: Sql, executionId: string, attempt: AttemptRecord): Promise<void> {
    await sql.run(INSERT_ATTEMPT, [
      executionId,
      attempt.number,
      attempt.workerId,
      ...attemptValues(attempt),
    ]);
  }

  /** Records an attempt lost with a crashed worker, found when its lease is reclaimed. */
  recordLostAttempt(executionId: string, attempt: AttemptRecord): Promise<void> {
    return this.insertAttempt(this.database, executionId, attempt);
  }

  /** Starts one pending execution per handler trigger of a dead letter, with `payload`. */
  async insertHandlerExecutions(
    sql: Sql,
    input: { triggerIds: string[]; deadLetterId: string; payload: unknown },
  ): Promise<void> {
    if (input.triggerIds.length === 0) {
      return;
    }
    await sql.run(INSERT_HANDLER_EXECUTIONS, [
      input.triggerIds,
      input.deadLetterId,
      JSON.stringify(input.payload),
    ]);
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
           RETURNING id
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
}

// started_at, finished_at, duration_ms, outcome, http_status, error, response_excerpt
function attemptValues(attempt: AttemptRecord): unknown[] {
  return [
    attempt.startedAt,
    attempt.finishedAt,
    Math.max(0, attempt.finishedAt.getTime() - attempt.startedAt.getTime()),
    attempt.outcome,
    attempt.httpStatus,
    attempt.error,
    attempt.responseExcerpt,
  ];
}

function toClaimedExecution(row: ClaimRow): ClaimedExecution {
  return {
    id: row.id!,
    triggerId: row.trigger_id,
    triggerSlug: row.slug,
    attempt: row.attempt_count,
    idempotencyKey: row.idempotency_key,
    handlesDeadLetterId: row.handles_dead_letter_id,
    action: row.action,
    retryPolicy: row.retry_policy,
    payload: row.payload ?? null,
    depth: row.depth,
    onUnknownOutcome: effectiveUnknownOutcome(row.action.type, row.on_unknown_outcome),
    reclaimedFrom:
      row.previous_status === 'running'
        ? { workerId: row.previous_owner, claimedAt: row.previous_claimed_at }
        : null,
    claimedFrom: {
      status: row.previous_status,
      owner: row.previous_owner,
      updatedAt: row.previous_claimed_at,
    },
    flow: toFlowSettings(row),
  };
}

async function holdExecutions(
  sql: Sql,
  holds: { id: string; admission: Extract<Admission, { kind: 'hold' }> }[],
): Promise<void> {
  if (holds.length === 0) {
    return;
  }
  await sql.run(HOLD, [
    holds.map((hold) => hold.id),
    holds.map((hold) => hold.admission.heldBy),
    holds.map((hold) => (hold.admission.dueAt === null ? null : new Date(hold.admission.dueAt))),
  ]);
}
