import { Injectable } from '@nestjs/common';
import {
  type ClassificationRule,
  effectiveClassificationRules,
  effectiveUnknownOutcome,
  type ExecutionStatus,
  HELD_REASONS,
  type HeldReason,
  type RetryPolicy,
  type UnknownOutcomePolicy,
} from '@triggerline/contracts';
import { Database, type Sql, type Statement } from '../database/database';
import type { StoredAction } from '../triggers/trigger.entity';
import type { ClaimedExecution } from './engine-types';
import { PAYLOAD, payloadJoin } from './execution-payloads';
import { FLOW_COLUMNS, type FlowColumns, IS_GATED_TRIGGER, toFlowSettings } from './flow-settings';

// How workers take executions: the claim of triggers without flow control in one statement;
// for controlled triggers, the reads and writes the flow gate (flow/flow-gate.ts) decides with,
// holding executions and waking them; leases renewed and handed back. What may start is never
// decided here.

interface ClaimRow extends FlowColumns {
  next_due_at: Date | null;
  gated_trigger_ids: string[] | null;
  id: string | null;
  event_id: string;
  trigger_id: string;
  attempt_count: number;
  idempotency_key: string | null;
  replay_of: string | null;
  handles_dead_letter_id: string | null;
  previous_status: ExecutionStatus;
  previous_owner: string | null;
  previous_claimed_at: Date;
  slug: string;
  action: StoredAction | null;
  retry_policy: RetryPolicy;
  on_unknown_outcome: UnknownOutcomePolicy | null;
  classification_rules: ClassificationRule[] | null;
  depth: number;
  trace_parent: string | null;
  payload: unknown;
  raw_body: Buffer | null;
  forwarded_headers: Record<string, string> | null;
}

// Starts an attempt; `worker` and `lease` are the parameters holding the worker id and the
// lease in ms.
const startAttempt = (
  worker: string,
  lease: string,
) => `status = 'running', lease_owner = ${worker},
  due_at = now() + ${lease} * interval '1 millisecond',
  attempt_count = e.attempt_count + 1, held_by = NULL, updated_at = now()`;

const CLAIMED_COLUMNS = `c.*, t.slug, t.action, t.retry_policy, t.on_unknown_outcome, t.classification_rules,
  ${FLOW_COLUMNS}, ${PAYLOAD} AS payload, p.raw_body, p.forwarded_headers`;

// One statement per claim size, with the size written as its LIMIT (see `claimBatchSize`).
// Parameters: $1 worker id, $2 lease in ms.

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
  // (`gated_trigger_ids`) for the flow gate. A reclaim continues an admitted attempt: never gated.
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
           RETURNING e.id, coalesce(e.event_id, e.id) AS event_id, e.trigger_id, e.attempt_count,
                     e.idempotency_key,
                     e.handles_dead_letter_id, e.depth, e.replay_of, e.trace_parent, e.delivery_payload_id, due.previous_status, due.previous_owner,
                     due.previous_claimed_at
         )
         SELECT n.next_due_at, g.gated_trigger_ids, ${CLAIMED_COLUMNS}
         FROM (SELECT min(due_at) AS next_due_at FROM executions WHERE due_at > now()) n
         CROSS JOIN (SELECT array_agg(DISTINCT trigger_id ORDER BY trigger_id) AS gated_trigger_ids
                     FROM due WHERE is_gated) g
         LEFT JOIN (claimed c
                    JOIN triggers t ON t.id = c.trigger_id
                    ${payloadJoin('c')}) ON true`,
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
           RETURNING e.id, coalesce(e.event_id, e.id) AS event_id, e.trigger_id, e.attempt_count,
                     e.idempotency_key,
                     e.handles_dead_letter_id, e.depth, e.replay_of, e.trace_parent, e.delivery_payload_id, before.status AS previous_status,
                     before.lease_owner AS previous_owner, before.updated_at AS previous_claimed_at
         )
         SELECT ${CLAIMED_COLUMNS}
         FROM claimed c
         JOIN triggers t ON t.id = c.trigger_id
         ${payloadJoin('c')}`,
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

@Injectable()
export class ClaimsStore {
  constructor(private readonly database: Database) {}

  /**
   * Claims up to `size` due executions of triggers without flow control for `workerId`, in one
   * statement, and answers the controlled triggers that had due executions among them (for the
   * flow gate) and when the next execution not claimed now falls due.
   */
  async claimDue(input: { size: number; workerId: string; leaseMs: number }): Promise<{
    executions: ClaimedExecution[];
    gatedTriggerIds: string[];
    nextDueAt: Date | null;
  }> {
    let claim = CLAIMS.get(input.size);
    if (claim === undefined) {
      claim = claimStatement(input.size);
      CLAIMS.set(input.size, claim);
    }
    const { rows } = await this.database.run<ClaimRow>(claim, [input.workerId, input.leaseMs]);
    return {
      executions: rows.filter((row) => row.id !== null).map(toClaimedExecution),
      gatedTriggerIds: rows[0]?.gated_trigger_ids ?? [],
      nextDueAt: rows[0]?.next_due_at ?? null,
    };
  }

  /** A trigger's flow control as it stands now; null when the trigger is gone. */
  async readTriggerFlow(sql: Sql, triggerId: string): Promise<FlowColumns | null> {
    const { rows } = await sql.run<FlowColumns>(TRIGGER_FLOW, [triggerId]);
    return rows[0] ?? null;
  }

  /**
   * Locks up to `limit` due executions of a controlled trigger until the caller's transaction
   * ends, oldest first, and counts its attempts in flight on any worker.
   */
  async lockGatedDue(
    sql: Sql,
    input: { triggerId: string; now: Date; limit: number },
  ): Promise<{ running: number; due: { id: string; attemptCount: number }[] }> {
    const { rows } = await sql.run<{ running: number; id: string | null; attempt_count: number }>(
      GATED_DUE,
      [input.triggerId, input.now, input.limit],
    );
    return {
      running: rows[0]?.running ?? 0,
      due: rows.flatMap((row) =>
        row.id === null ? [] : [{ id: row.id, attemptCount: row.attempt_count }],
      ),
    };
  }

  /** Starts an attempt of each execution `lockGatedDue` locked in this transaction. */
  async startGated(
    sql: Sql,
    input: { ids: string[]; workerId: string; leaseMs: number },
  ): Promise<ClaimedExecution[]> {
    if (input.ids.length === 0) {
      return [];
    }
    const { rows } = await sql.run<ClaimRow>(START_GATED, [
      input.ids,
      input.workerId,
      input.leaseMs,
    ]);
    return rows.map(toClaimedExecution);
  }

  /**
   * Holds executions without spending an attempt, due again at `dueAt`, or out of the due index
   * until woken when it is null.
   */
  async hold(
    sql: Sql,
    holds: { id: string; heldBy: HeldReason; dueAt: Date | null }[],
  ): Promise<void> {
    if (holds.length === 0) {
      return;
    }
    await sql.run(HOLD, [
      holds.map((hold) => hold.id),
      holds.map((hold) => hold.heldBy),
      holds.map((hold) => hold.dueAt),
    ]);
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
}

function toClaimedExecution(row: ClaimRow): ClaimedExecution {
  return {
    id: row.id!,
    eventId: row.event_id,
    triggerId: row.trigger_id,
    triggerSlug: row.slug,
    attempt: row.attempt_count,
    idempotencyKey: row.idempotency_key,
    replayOf: row.replay_of,
    handlesDeadLetterId: row.handles_dead_letter_id,
    action: row.action,
    retryPolicy: row.retry_policy,
    payload: row.payload ?? null,
    received: {
      rawBody: row.raw_body === null ? null : Buffer.from(row.raw_body),
      headers: row.forwarded_headers ?? {},
    },
    depth: row.depth,
    traceParent: row.trace_parent,
    onUnknownOutcome: effectiveUnknownOutcome(row.action?.type ?? 'http', row.on_unknown_outcome),
    classificationRules: effectiveClassificationRules({
      action: row.action,
      rules: row.classification_rules,
    }),
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
