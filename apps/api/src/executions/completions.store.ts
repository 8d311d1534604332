import { Injectable } from '@nestjs/common';
import { Database, type Sql, type Statement } from '../database/database';
import type { AttemptRecord, Completion, Transition } from './engine-types';
import { isFinished } from './execution-lifecycle';

// How attempts end: the attempt recorded with its execution's new state, only while the worker
// still holds the lease; in batches on the hot path, or in the caller's transaction.

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

@Injectable()
export class CompletionsStore {
  constructor(private readonly database: Database) {}

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
