import { ORIGINAL_EXECUTION } from './original-execution';
import { Injectable } from '@nestjs/common';
import {
  type Attempt,
  type Execution,
  type ExecutionStatus,
  type HeldReason,
  MAX_ROUTES,
} from '@triggerline/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { type Cursor, toPage } from '../http/cursor';
import { executionConditions, type ExecutionMatch } from './execution-conditions';
import { HAS_PAYLOAD, HEADERS, PAYLOAD, payloadJoin } from './execution-payloads';
import { isoOrNull } from '../database/row-values';
import { ReadDatabase } from '../database/read-database';
import type { StoredAction } from '../triggers/trigger.entity';
import { traceIdOf } from '../tracing/trace-parent';

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
  routed_from: string | null;
  last_replay_at: Date | null;
  created_at: Date;
  created_at_text: string;
  updated_at: Date;
  finished_at: Date | null;
  duplicate_count: number;
  conflict_count: number;
  held_by: HeldReason | null;
  trace_parent: string | null;
  ordering_key: string | null;
  window_timezone: string | null;
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
  reconciliation: Attempt['reconciliation'];
}

// The duplicate counts come from their records (indexed by execution) for the page's rows only.
const SELECT_EXECUTION = `
  SELECT e.*, e.created_at::text AS created_at_text, ${PAYLOAD} AS payload, ${HEADERS} AS headers,
         dup.duplicate_count, dup.conflict_count,
         CASE WHEN e.held_by = 'window' THEN
           (SELECT t.delivery_window->>'timezone' FROM triggers t WHERE t.id = e.trigger_id)
         END AS window_timezone
  FROM executions e ${payloadJoin('e')}
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS duplicate_count, count(*) FILTER (WHERE d.conflict)::int AS conflict_count
    FROM duplicate_deliveries d WHERE d.execution_id = e.id
  ) dup`;

export interface ExecutionFilter extends ExecutionMatch {
  status?: ExecutionStatus;
  limit: number;
  after?: Cursor;
}

/** Where a read runs: the pool, or a transaction's connection. */
type Queryable = Pick<EntityManager, 'query'>;

/** Reads of executions and their attempts for the API. */
@Injectable()
export class ExecutionsRepository {
  private readonly reads: DataSource;

  constructor(
    private readonly dataSource: DataSource,
    reads: ReadDatabase,
  ) {
    this.reads = reads.dataSource;
  }

  /** The console's list and export, read from the replica when there is one. */
  async list(filter: ExecutionFilter): Promise<{ items: Execution[]; nextCursor: string | null }> {
    const conditions = executionConditions(filter);
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
    const rows: ExecutionRow[] = await this.reads.query(
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
    // One snapshot for the execution and its attempts: a worker changes both in one transaction
    // (a reconciliation's try, a completion), and two reads could show half of it.
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const rows: ExecutionRow[] = await manager.query(`${SELECT_EXECUTION} WHERE e.id = $1`, [id]);
      if (rows.length === 0) {
        return null;
      }
      return { ...toExecution(rows[0]), attempts: await this.attemptsOf(id, manager) };
    });
  }

  /**
   * The trigger's latest deliveries as stored, newest first: its own executions, and for a router
   * those its routes got (one per delivery: they share their statement's time and key or body).
   */
  async recentDeliveries(
    triggerId: string,
    limit: number,
  ): Promise<
    {
      id: string;
      createdAt: string;
      idempotencyKey: string | null;
      payload: unknown;
      headers: Record<string, string>;
    }[]
  > {
    const rows: {
      id: string;
      created_at: Date;
      idempotency_key: string | null;
      payload: unknown;
      headers: Record<string, string> | null;
    }[] = await this.dataSource.query(
      `WITH recent AS (
         (SELECT id, created_at, idempotency_key, delivery_payload_id FROM executions
          WHERE trigger_id = $1 AND routed_from IS NULL AND replay_of IS NULL
          ORDER BY created_at DESC LIMIT $3)
         UNION ALL
         (SELECT id, created_at, idempotency_key, delivery_payload_id FROM executions
          WHERE routed_from = $1 AND replay_of IS NULL
          ORDER BY created_at DESC LIMIT $3))
       SELECT * FROM (
         SELECT DISTINCT ON (r.created_at, d.delivery) r.id, r.created_at, r.idempotency_key,
                ${PAYLOAD} AS payload, ${HEADERS} AS headers
         FROM recent r ${payloadJoin('r')}
         CROSS JOIN LATERAL (SELECT coalesce(r.idempotency_key, md5(${PAYLOAD}::text)) AS delivery) d
         WHERE ${HAS_PAYLOAD}
         ORDER BY r.created_at DESC, d.delivery, r.id
       ) latest
       ORDER BY created_at DESC LIMIT $2`,
      // A delivery made at most one execution per route and one of its own.
      [triggerId, limit, limit * (MAX_ROUTES + 1)],
    );
    return rows.map((row) => ({
      id: row.id,
      createdAt: row.created_at.toISOString(),
      idempotencyKey: row.idempotency_key,
      payload: row.payload,
      headers: row.headers ?? {},
    }));
  }

  /** What a replay of the execution would be built from; the action with its secrets. */
  async findReplaySource(id: string): Promise<{
    action: StoredAction | null;
    payload: unknown;
    idempotencyKey: string | null;
    depth: number;
    received: { rawBody: Buffer | null; headers: Record<string, string> };
    eventId: string;
    event: { triggerId: string; eventId: string };
  } | null> {
    const rows: {
      action: StoredAction | null;
      payload: unknown;
      idempotency_key: string | null;
      depth: number;
      raw_body: Buffer | null;
      forwarded_headers: Record<string, string> | null;
      event_id: string;
      trigger_id: string;
      original_id: string;
    }[] = await this.dataSource.query(
      // A replay of this execution is an event the original received: same message ids.
      `SELECT t.action, ${PAYLOAD} AS payload, e.idempotency_key, e.depth, p.raw_body,
              p.forwarded_headers,
              coalesce(e.event_id, e.id) AS event_id, e.trigger_id,
              (${ORIGINAL_EXECUTION.text.replace('$1', 'e.id')}) AS original_id
         FROM executions e
         JOIN triggers t ON t.id = e.trigger_id
         ${payloadJoin('e')}
         WHERE e.id = $1`,
      [id],
    );
    return rows.length === 0
      ? null
      : {
          action: rows[0].action,
          payload: rows[0].payload ?? null,
          idempotencyKey: rows[0].idempotency_key,
          depth: rows[0].depth,
          received: {
            rawBody: rows[0].raw_body === null ? null : Buffer.from(rows[0].raw_body),
            headers: rows[0].forwarded_headers ?? {},
          },
          eventId: rows[0].event_id,
          event: {
            triggerId: rows[0].trigger_id,
            eventId: rows[0].idempotency_key ?? rows[0].original_id,
          },
        };
  }

  async attemptsOf(executionId: string, reader: Queryable = this.dataSource): Promise<Attempt[]> {
    const rows: AttemptRow[] = await reader.query(
      `SELECT number, started_at, finished_at, duration_ms, outcome, http_status, error,
              response_excerpt, reconciliation
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
    routedFrom: row.routed_from ?? null,
    lastReplayAt: isoOrNull(row.last_replay_at),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    finishedAt: isoOrNull(row.finished_at),
    duplicateCount: row.duplicate_count,
    conflictCount: row.conflict_count,
    heldBy: isWaiting ? row.held_by : null,
    traceId: traceIdOf(row.trace_parent),
    orderingKey: row.ordering_key,
    windowTimezone: isWaiting && row.held_by === 'window' ? row.window_timezone : null,
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
    reconciliation: row.reconciliation,
  };
}
