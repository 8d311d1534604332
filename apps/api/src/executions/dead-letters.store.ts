import { Injectable } from '@nestjs/common';
import {
  type DeadLetter,
  type ErrorCategory,
  type ExecutionStatus,
  type ManualResolution,
  matchesDeadLetterGlob,
  type Page,
} from '@triggerline/contracts';
import { Database, type Sql, type Statement } from '../database/database';
import { isoOrNull } from '../database/row-values';
import { SqlConditions } from '../database/sql-conditions';
import { type Cursor, toPage } from '../http/cursor';
import { DeliveriesStore } from './deliveries.store';
import { IS_UNFINISHED } from './execution-lifecycle';
import { PAYLOAD, payloadJoin } from './execution-payloads';

// The one owner of `dead_letters`: it settles what an execution's end means for them (`settle`),
// resolves them, and reads them for the API and redrives. A dead letter is part of its
// execution's lifecycle: it is created in the transaction that moves the execution to
// dead_lettered.

export interface DeadLetterFilter {
  unresolved?: boolean;
  triggerId?: string;
  errorCategory?: ErrorCategory;
  /** On created_at (when it was dead-lettered): from inclusive, to exclusive, as bulk replay. */
  from?: string;
  to?: string;
  limit: number;
  after?: Cursor;
}

export interface BulkFilter {
  /** Only dead letters that existed then: replays that die meanwhile are not picked up. */
  asOf?: Date;
  ids?: string[];
  triggerId?: string;
  errorCategory?: ErrorCategory;
  from?: string;
  to?: string;
}

interface DeadLetterRow {
  id: string;
  execution_id: string;
  trigger_id: string;
  trigger_slug: string;
  payload: unknown;
  attempt_count: number;
  first_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_error: string | null;
  error_category: DeadLetter['errorCategory'];
  created_at: Date;
  created_at_text: string;
  resolved_at: Date | null;
  resolution: DeadLetter['resolution'];
  note: string | null;
  is_resolved: number;
}

/** Dead letters with their trigger's slug; callers add WHERE and ORDER BY. */
const SELECT_DEAD_LETTER = `
  SELECT d.*, t.slug AS trigger_slug, d.created_at::text AS created_at_text,
         (d.resolved_at IS NOT NULL)::int AS is_resolved
  FROM dead_letters d JOIN triggers t ON t.id = d.trigger_id`;

const FIND: Statement = {
  name: 'dead_letters_find',
  text: `${SELECT_DEAD_LETTER} WHERE d.id = $1`,
};

const RESOLVE_MANUALLY: Statement = {
  name: 'dead_letters_resolve_manually',
  text: `UPDATE dead_letters SET resolution = $2, note = $3, resolved_at = now()
         WHERE id = $1 AND resolved_at IS NULL`,
};

const RESOLVE_REPLAYED: Statement = {
  name: 'dead_letters_resolve_replayed',
  text: `UPDATE dead_letters SET resolution = 'replayed', resolved_at = now()
         WHERE execution_id = $1 AND resolved_at IS NULL`,
};

const RESOLVE_HANDLED: Statement = {
  name: 'dead_letters_resolve_handled',
  text: `UPDATE dead_letters SET resolution = 'handled_by_script', resolved_at = now()
         WHERE id = $1 AND (resolved_at IS NULL OR resolution = 'handler_failed')`,
};

const RESOLVE_HANDLER_FAILED: Statement = {
  name: 'dead_letters_resolve_handler_failed',
  // Only once no other handler of that dead letter is still going.
  text: `UPDATE dead_letters SET resolution = 'handler_failed', resolved_at = now()
         WHERE id = $1 AND resolved_at IS NULL
           AND NOT EXISTS (
             SELECT 1 FROM executions
             WHERE handles_dead_letter_id = $1 AND id <> $2
               AND ${IS_UNFINISHED})`,
};

const INSERT: Statement = {
  name: 'dead_letters_insert',
  text: `INSERT INTO dead_letters (execution_id, trigger_id, payload, attempt_count,
                                  first_attempt_at, last_attempt_at, last_error, error_category,
                                  note)
         SELECT e.id, e.trigger_id, coalesce(${PAYLOAD}, 'null'::jsonb), e.attempt_count,
                (SELECT min(started_at) FROM attempts a WHERE a.execution_id = e.id),
                (SELECT max(started_at) FROM attempts a WHERE a.execution_id = e.id),
                e.last_error, e.error_category, $2
         FROM executions e ${payloadJoin('e')}
         WHERE e.id = $1
         RETURNING id`,
};

const HANDLER_CANDIDATES: Statement = {
  name: 'dead_letters_handler_candidates',
  text: `SELECT id, on_dead_letter FROM triggers WHERE enabled AND on_dead_letter IS NOT NULL`,
};

@Injectable()
export class DeadLettersStore {
  constructor(
    private readonly database: Database,
    private readonly deliveries: DeliveriesStore,
  ) {}

  /** Unresolved first, then newest first; the console reads it `from` the read replica. */
  async list(
    filter: DeadLetterFilter,
    from: Pick<Database, 'query'> = this.database,
  ): Promise<Page<DeadLetter>> {
    const conditions = new SqlConditions();
    if (filter.unresolved === true) {
      conditions.add('d.resolved_at IS NULL');
    }
    if (filter.unresolved === false) {
      conditions.add('d.resolved_at IS NOT NULL');
    }
    addSharedConditions(conditions, filter);
    if (filter.after !== undefined) {
      conditions.add(
        `((d.resolved_at IS NOT NULL)::int, -extract(epoch FROM d.created_at), d.id) >
         (?::int, -extract(epoch FROM ?::timestamptz), ?::uuid)`,
        filter.after.rank ?? 0,
        filter.after.createdAt,
        filter.after.id,
      );
    }
    const { rows } = await from.query<DeadLetterRow>(
      `${SELECT_DEAD_LETTER} ${conditions.where}
       ORDER BY (d.resolved_at IS NOT NULL)::int, d.created_at DESC, d.id ASC
       LIMIT ${conditions.param(filter.limit + 1)}`,
      conditions.params,
    );
    return toPage(rows, filter.limit, toDeadLetter, (row) => ({
      rank: row.is_resolved,
      createdAt: row.created_at_text,
      id: row.id,
    }));
  }

  async find(id: string, sql: Sql = this.database): Promise<DeadLetter | null> {
    const { rows } = await sql.run<DeadLetterRow>(FIND, [id]);
    return rows.length === 0 ? null : toDeadLetter(rows[0]);
  }

  /** Answers true when the dead letter was unresolved and now is resolved as asked. */
  async resolve(input: {
    id: string;
    resolution: ManualResolution;
    note: string | null;
  }): Promise<boolean> {
    const { rowCount } = await this.database.run(RESOLVE_MANUALLY, [
      input.id,
      input.resolution,
      input.note,
    ]);
    return rowCount === 1;
  }

  /** Counts the matching unresolved dead letters, and answers the time it counted at. */
  async countUnresolved(filter: BulkFilter): Promise<{ matched: number; asOf: Date }> {
    const conditions = bulkConditions(filter);
    const { rows } = await this.database.query<{ n: number; as_of: Date }>(
      `SELECT count(*)::int AS n, now() AS as_of FROM dead_letters d ${conditions.where}`,
      conditions.params,
    );
    return { matched: rows[0].n, asOf: rows[0].as_of };
  }

  /** One batch of matching unresolved dead letters after `afterId` (by id), for bulk replay. */
  async nextBatch(filter: BulkFilter, afterId: string | null, size: number) {
    const conditions = bulkConditions(filter);
    if (afterId !== null) {
      conditions.add('d.id > ?', afterId);
    }
    const { rows } = await this.database.query<{ id: string; execution_id: string }>(
      `SELECT d.id, d.execution_id FROM dead_letters d ${conditions.where}
       ORDER BY d.id LIMIT ${conditions.param(size)}`,
      conditions.params,
    );
    return rows.map((row) => ({ id: row.id, executionId: row.execution_id }));
  }

  /** Resolves the dead letter of a replayed execution, if it has an unresolved one. */
  async resolveReplayed(sql: Sql, executionId: string): Promise<void> {
    await sql.run(RESOLVE_REPLAYED, [executionId]);
  }

  /**
   * What the end of an execution means for dead letters, in the transaction that writes that end
   * (the runner's, or an operator's confirmation). A dead-letter handler's execution never gets a
   * dead letter (no loops): its success resolves the one it handled `handled_by_script`, its
   * death `handler_failed` once no other handler of it is still going. Any other execution that
   * died gets its dead letter, and every enabled handler trigger whose `onDeadLetter` glob
   * matches `triggerSlug` starts with it. Answers how many handler executions started.
   */
  async settle(
    sql: Sql,
    input: {
      executionId: string;
      triggerSlug: string;
      handlesDeadLetterId: string | null;
      status: ExecutionStatus;
      /** The operator's, when they confirmed that an unknown outcome was not delivered. */
      note?: string | null;
    },
  ): Promise<{ startedHandlers: number }> {
    if (input.handlesDeadLetterId !== null) {
      if (input.status === 'succeeded') {
        await sql.run(RESOLVE_HANDLED, [input.handlesDeadLetterId]);
      } else if (input.status === 'dead_lettered') {
        await sql.run(RESOLVE_HANDLER_FAILED, [input.handlesDeadLetterId, input.executionId]);
      }
      return { startedHandlers: 0 };
    }
    if (input.status !== 'dead_lettered') {
      return { startedHandlers: 0 };
    }
    const inserted = await sql.run<{ id: string }>(INSERT, [input.executionId, input.note ?? null]);
    const deadLetterId = inserted.rows[0].id;
    const candidates = await sql.run<{ id: string; on_dead_letter: string }>(HANDLER_CANDIDATES);
    const handlerIds = candidates.rows
      .filter((trigger) => matchesDeadLetterGlob(trigger.on_dead_letter, input.triggerSlug))
      .map((trigger) => trigger.id);
    if (handlerIds.length > 0) {
      // Handlers receive the dead letter as the API shows it.
      const deadLetter = await this.find(deadLetterId, sql);
      await this.deliveries.insertHandlerExecutions(sql, {
        triggerIds: handlerIds,
        deadLetterId,
        payload: deadLetter,
      });
    }
    return { startedHandlers: handlerIds.length };
  }
}

function toDeadLetter(row: DeadLetterRow): DeadLetter {
  return {
    id: row.id,
    executionId: row.execution_id,
    triggerId: row.trigger_id,
    triggerSlug: row.trigger_slug,
    payload: row.payload,
    attemptCount: row.attempt_count,
    firstAttemptAt: isoOrNull(row.first_attempt_at),
    lastAttemptAt: isoOrNull(row.last_attempt_at),
    lastError: row.last_error,
    errorCategory: row.error_category,
    createdAt: row.created_at.toISOString(),
    resolvedAt: isoOrNull(row.resolved_at),
    resolution: row.resolution,
    note: row.note,
  };
}

function bulkConditions(filter: BulkFilter): SqlConditions {
  const conditions = new SqlConditions();
  conditions.add('d.resolved_at IS NULL');
  if (filter.asOf !== undefined) {
    conditions.add('d.created_at <= ?', filter.asOf);
  }
  if (filter.ids !== undefined) {
    conditions.add('d.id = ANY(?::uuid[])', filter.ids);
  }
  addSharedConditions(conditions, filter);
  return conditions;
}

// The filters the list and bulk replay share, with the same meaning (SPEC §9).
function addSharedConditions(
  conditions: SqlConditions,
  filter: Pick<BulkFilter, 'triggerId' | 'errorCategory' | 'from' | 'to'>,
): void {
  if (filter.triggerId !== undefined) {
    conditions.add('d.trigger_id = ?', filter.triggerId);
  }
  if (filter.errorCategory !== undefined) {
    conditions.add('d.error_category = ?', filter.errorCategory);
  }
  if (filter.from !== undefined) {
    conditions.add('d.created_at >= ?::timestamptz', filter.from);
  }
  if (filter.to !== undefined) {
    conditions.add('d.created_at < ?::timestamptz', filter.to);
  }
}
