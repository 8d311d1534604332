import { Injectable } from '@nestjs/common';
import type { ErrorCategory, ExecutionStatus, RetryPolicy } from '@triggerline/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type DeadLetterRow,
  SELECT_DEAD_LETTER,
  toDeadLetter,
} from '../dead-letters/dead-letter.response';
import { matchesDeadLetterGlob } from '../triggers/dead-letter-glob';
import type { StoredAction } from '../triggers/trigger.entity';

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
  /** Set when the row was running under another worker whose lease expired. */
  reclaimedFrom: { workerId: string | null; claimedAt: Date } | null;
}

export interface AttemptRecord {
  number: number;
  workerId: string;
  startedAt: Date;
  finishedAt: Date;
  outcome: 'success' | ErrorCategory;
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
}

export type Transition =
  | { status: 'succeeded' }
  | { status: 'failed_retryable'; dueAt: Date; error: string; category: ErrorCategory }
  | { status: 'dead_lettered'; error: string; category: ErrorCategory; deadLetter: boolean };

interface ClaimRow {
  id: string;
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
  payload: unknown;
}

/** The SQL of the worker: claims, lease renewals and the recording of attempts. */
@Injectable()
export class DispatchRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims up to `limit` due executions: pending ones, retries whose time has come and running
   * ones whose lease expired. `due_at` holds whichever of those times applies, and finished
   * rows have it NULL, so one partial index serves the whole claim.
   */
  async claimDue(input: {
    limit: number;
    workerId: string;
    leaseMs: number;
  }): Promise<ClaimedExecution[]> {
    const rows: ClaimRow[] = await this.dataSource.query(
      `WITH due AS (
         SELECT id, status AS previous_status, lease_owner AS previous_owner,
                updated_at AS previous_claimed_at
         FROM executions
         WHERE due_at <= now()
         ORDER BY due_at
         LIMIT $1
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE executions e
         SET status = 'running', lease_owner = $2,
             due_at = now() + $3 * interval '1 millisecond',
             attempt_count = e.attempt_count + 1, updated_at = now()
         FROM due WHERE e.id = due.id
         RETURNING e.id, e.trigger_id, e.attempt_count, e.idempotency_key, e.handles_dead_letter_id,
                   due.previous_status, due.previous_owner, due.previous_claimed_at
       )
       SELECT c.*, t.slug, t.action, t.retry_policy, p.payload
       FROM claimed c
       JOIN triggers t ON t.id = c.trigger_id
       LEFT JOIN execution_payloads p ON p.execution_id = c.id`,
      [input.limit, input.workerId, input.leaseMs],
    );
    return rows.map((row) => ({
      id: row.id,
      triggerId: row.trigger_id,
      triggerSlug: row.slug,
      attempt: row.attempt_count,
      idempotencyKey: row.idempotency_key,
      handlesDeadLetterId: row.handles_dead_letter_id,
      action: row.action,
      retryPolicy: row.retry_policy,
      payload: row.payload ?? null,
      reclaimedFrom:
        row.previous_status === 'running'
          ? { workerId: row.previous_owner, claimedAt: row.previous_claimed_at }
          : null,
    }));
  }

  /** Extends the leases this worker still holds; answers how many it holds. */
  async renewLeases(input: { ids: string[]; workerId: string; leaseMs: number }): Promise<number> {
    if (input.ids.length === 0) {
      return 0;
    }
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE executions SET due_at = now() + $3 * interval '1 millisecond'
       WHERE id = ANY($1) AND lease_owner = $2 AND status = 'running'`,
      [input.ids, input.workerId, input.leaseMs],
    );
    return affected;
  }

  /** When the next execution falls due, if any is waiting. */
  async nextDueAt(): Promise<Date | null> {
    const rows: { due_at: Date | null }[] = await this.dataSource.query(
      `SELECT min(due_at) AS due_at FROM executions WHERE due_at IS NOT NULL`,
    );
    return rows[0]?.due_at ?? null;
  }

  /**
   * Writes the attempt, the execution's new state and, when it dies, its dead letter, in one
   * transaction, and only while `workerId` still holds the lease. Answers false when the lease
   * was lost: another worker holds the execution now and nothing is written.
   */
  async recordAttempt(input: {
    executionId: string;
    triggerSlug: string;
    /** Set for a dead-letter handler's execution: its outcome resolves that dead letter. */
    handlesDeadLetterId: string | null;
    workerId: string;
    /** Attempts made so far, this one included. */
    attemptCount: number;
    /** null when no attempt was made (its lost predecessor was the last one allowed). */
    attempt: AttemptRecord | null;
    transition: Transition;
  }): Promise<{ isRecorded: boolean; deadLetterId: string | null }> {
    return this.dataSource.transaction(async (manager) => {
      const isHeld = await this.applyTransition(manager, input);
      if (!isHeld) {
        return { isRecorded: false, deadLetterId: null };
      }
      if (input.attempt !== null) {
        await insertAttempt(manager, input.executionId, input.attempt);
      }
      const { transition } = input;
      if (input.handlesDeadLetterId !== null) {
        await resolveHandledDeadLetter(manager, {
          deadLetterId: input.handlesDeadLetterId,
          handlerExecutionId: input.executionId,
          status: transition.status,
        });
      }
      if (transition.status !== 'dead_lettered' || !transition.deadLetter) {
        return { isRecorded: true, deadLetterId: null };
      }
      const deadLetterId = await insertDeadLetter(manager, input.executionId);
      await startHandlers(manager, deadLetterId, input.triggerSlug);
      return { isRecorded: true, deadLetterId };
    });
  }

  /** Records an attempt lost with a crashed worker, found when its lease is reclaimed. */
  async recordLostAttempt(executionId: string, attempt: AttemptRecord): Promise<void> {
    await insertAttempt(this.dataSource.manager, executionId, attempt);
  }

  private async applyTransition(
    manager: EntityManager,
    input: { executionId: string; workerId: string; attemptCount: number; transition: Transition },
  ): Promise<boolean> {
    const { transition } = input;
    const isFinal = transition.status !== 'failed_retryable';
    const [, affected]: [unknown, number] = await manager.query(
      `UPDATE executions
       SET status = $3, due_at = $4, lease_owner = NULL, last_error = $5, error_category = $6,
           updated_at = now(), finished_at = CASE WHEN $7 THEN now() ELSE NULL END,
           attempt_count = $8
       WHERE id = $1 AND lease_owner = $2 AND status = 'running'`,
      [
        input.executionId,
        input.workerId,
        transition.status,
        transition.status === 'failed_retryable' ? transition.dueAt : null,
        transition.status === 'succeeded' ? null : transition.error,
        transition.status === 'succeeded' ? null : transition.category,
        isFinal,
        input.attemptCount,
      ],
    );
    return affected === 1;
  }
}

async function insertAttempt(manager: EntityManager, executionId: string, attempt: AttemptRecord) {
  await manager.query(
    `INSERT INTO attempts (execution_id, number, worker_id, started_at, finished_at, duration_ms,
                           outcome, http_status, error, response_excerpt)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (execution_id, number) DO NOTHING`,
    [
      executionId,
      attempt.number,
      attempt.workerId,
      attempt.startedAt,
      attempt.finishedAt,
      Math.max(0, attempt.finishedAt.getTime() - attempt.startedAt.getTime()),
      attempt.outcome,
      attempt.httpStatus,
      attempt.error,
      attempt.responseExcerpt,
    ],
  );
}

async function insertDeadLetter(manager: EntityManager, executionId: string): Promise<string> {
  const rows: { id: string }[] = await manager.query(
    `INSERT INTO dead_letters (execution_id, trigger_id, payload, attempt_count, first_attempt_at,
                               last_attempt_at, last_error, error_category)
     SELECT e.id, e.trigger_id, coalesce(p.payload, 'null'::jsonb), e.attempt_count,
            (SELECT min(started_at) FROM attempts a WHERE a.execution_id = e.id),
            (SELECT max(started_at) FROM attempts a WHERE a.execution_id = e.id),
            e.last_error, e.error_category
     FROM executions e LEFT JOIN execution_payloads p ON p.execution_id = e.id
     WHERE e.id = $1
     RETURNING id`,
    [executionId],
  );
  return rows[0].id;
}

/** Starts an execution of every enabled handler trigger whose `onDeadLetter` glob matches. */
async function startHandlers(manager: EntityManager, deadLetterId: string, slug: string) {
  const candidates: { id: string; on_dead_letter: string }[] = await manager.query(
    `SELECT id, on_dead_letter FROM triggers WHERE enabled AND on_dead_letter IS NOT NULL`,
  );
  const handlers = candidates.filter((trigger) =>
    matchesDeadLetterGlob(trigger.on_dead_letter, slug),
  );
  if (handlers.length === 0) {
    return;
  }
  const [row]: DeadLetterRow[] = await manager.query(`${SELECT_DEAD_LETTER} WHERE d.id = $1`, [
    deadLetterId,
  ]);
  const payload = JSON.stringify(toDeadLetter(row));
  for (const handler of handlers) {
    await manager.query(
      `WITH handler AS (
         INSERT INTO executions (trigger_id, status, due_at, handles_dead_letter_id)
         VALUES ($1, 'pending', now(), $2)
         RETURNING id
       )
       INSERT INTO execution_payloads (execution_id, payload, headers)
       SELECT id, $3::jsonb, '{}'::jsonb FROM handler`,
      [handler.id, deadLetterId, payload],
    );
  }
}

/**
 * A handler's success resolves its dead letter `handled_by_script`; its final failure
 * `handler_failed`, once no other handler of that dead letter is still going.
 */
async function resolveHandledDeadLetter(
  manager: EntityManager,
  input: { deadLetterId: string; handlerExecutionId: string; status: ExecutionStatus },
) {
  if (input.status === 'succeeded') {
    await manager.query(
      `UPDATE dead_letters SET resolution = 'handled_by_script', resolved_at = now()
       WHERE id = $1 AND (resolved_at IS NULL OR resolution = 'handler_failed')`,
      [input.deadLetterId],
    );
  } else if (input.status === 'dead_lettered') {
    await manager.query(
      `UPDATE dead_letters SET resolution = 'handler_failed', resolved_at = now()
       WHERE id = $1 AND resolved_at IS NULL
         AND NOT EXISTS (
           SELECT 1 FROM executions
           WHERE handles_dead_letter_id = $1 AND id <> $2
             AND status IN ('pending', 'running', 'failed_retryable'))`,
      [input.deadLetterId, input.handlerExecutionId],
    );
  }
}
