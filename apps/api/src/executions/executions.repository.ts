import { Injectable } from '@nestjs/common';
import type { Attempt, Execution, ExecutionStatus } from '@triggerline/contracts';
import { DataSource } from 'typeorm';
import { SqlConditions } from '../database/sql-conditions';
import { type Cursor, toPage } from '../http/cursor';
import { isoOrNull } from '../database/row-values';

interface ExecutionRow {
  id: string;
  trigger_id: string;
  status: ExecutionStatus;
  idempotency_key: string | null;
  payload: unknown;
  headers: Record<string, string> | null;
  attempt_count: number;
  due_at: Date | null;
  last_error: string | null;
  error_category: Execution['errorCategory'];
  replay_of: string | null;
  last_replay_at: Date | null;
  created_at: Date;
  created_at_text: string;
  updated_at: Date;
  finished_at: Date | null;
}

interface AttemptRow {
  number: number;
  started_at: Date;
  finished_at: Date;
  duration_ms: number;
  outcome: Attempt['outcome'];
  http_status: number | null;
  error: string | null;
  response_excerpt: string | null;
}

const SELECT_EXECUTION = `
  SELECT e.*, e.created_at::text AS created_at_text, p.payload, p.headers
  FROM executions e LEFT JOIN execution_payloads p ON p.execution_id = e.id`;

export interface ExecutionFilter {
  triggerId?: string;
  status?: ExecutionStatus;
  limit: number;
  after?: Cursor;
}

/** Reads of executions and their attempts for the API. */
@Injectable()
export class ExecutionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(filter: ExecutionFilter): Promise<{ items: Execution[]; nextCursor: string | null }> {
    const conditions = new SqlConditions();
    if (filter.triggerId !== undefined) {
      conditions.add('e.trigger_id = ?', filter.triggerId);
    }
    if (filter.status !== undefined) {
      conditions.add('e.status = ?', filter.status);
    }
    if (filter.after !== undefined) {
      conditions.add(
        '(e.created_at, e.id) < (?::timestamptz, ?::uuid)',
        filter.after.createdAt,
        filter.after.id,
      );
    }
    const rows: ExecutionRow[] = await this.dataSource.query(
      `${SELECT_EXECUTION} ${conditions.where}
       ORDER BY e.created_at DESC, e.id DESC
       LIMIT ${conditions.param(filter.limit + 1)}`,
      conditions.params,
    );
    return toPage(rows, filter.limit, toExecution, (row) => ({
      createdAt: row.created_at_text,
      id: row.id,
    }));
  }

  async findWithAttempts(id: string): Promise<Execution | null> {
    const rows: ExecutionRow[] = await this.dataSource.query(
      `${SELECT_EXECUTION} WHERE e.id = $1`,
      [id],
    );
    if (rows.length === 0) {
      return null;
    }
    return { ...toExecution(rows[0]), attempts: await this.attemptsOf(id) };
  }

  async attemptsOf(executionId: string): Promise<Attempt[]> {
    const rows: AttemptRow[] = await this.dataSource.query(
      `SELECT number, started_at, finished_at, duration_ms, outcome, http_status, error,
              response_excerpt
       FROM attempts WHERE execution_id = $1 ORDER BY number`,
      [executionId],
    );
    return rows.map(toAttempt);
  }
}

function toExecution(row: ExecutionRow): Execution {
  const isWaiting = row.status === 'pending' || row.status === 'failed_retryable';
  return {
    id: row.id,
    triggerId: row.trigger_id,
    status: row.status,
    idempotencyKey: row.idempotency_key,
    payload: row.payload ?? null,
    headers: row.headers ?? {},
    attemptCount: row.attempt_count,
    nextAttemptAt: isWaiting ? isoOrNull(row.due_at) : null,
    lastError: row.last_error,
    errorCategory: row.error_category,
    replayOf: row.replay_of,
    lastReplayAt: isoOrNull(row.last_replay_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    finishedAt: isoOrNull(row.finished_at),
  };
}

function toAttempt(row: AttemptRow): Attempt {
  return {
    number: row.number,
    startedAt: row.started_at.toISOString(),
    finishedAt: isoOrNull(row.finished_at),
    durationMs: row.duration_ms,
    outcome: row.outcome,
    httpStatus: row.http_status,
    error: row.error,
    responseExcerpt: row.response_excerpt,
  };
}
