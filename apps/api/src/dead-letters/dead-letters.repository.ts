import { Injectable } from '@nestjs/common';
import type { DeadLetter, ErrorCategory, ManualResolution, Page } from '@triggerline/contracts';
import { DataSource } from 'typeorm';
import { SqlConditions } from '../database/sql-conditions';
import { type Cursor, toPage } from '../http/cursor';
import { type DeadLetterRow, SELECT_DEAD_LETTER, toDeadLetter } from './dead-letter.response';

export interface DeadLetterFilter {
  unresolved?: boolean;
  triggerId?: string;
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

/** The SQL of the dead-letter queue. */
@Injectable()
export class DeadLettersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Unresolved first, then newest first. */
  async list(filter: DeadLetterFilter): Promise<Page<DeadLetter>> {
    const conditions = new SqlConditions();
    if (filter.unresolved === true) {
      conditions.add('d.resolved_at IS NULL');
    }
    if (filter.unresolved === false) {
      conditions.add('d.resolved_at IS NOT NULL');
    }
    if (filter.triggerId !== undefined) {
      conditions.add('d.trigger_id = ?', filter.triggerId);
    }
    if (filter.after !== undefined) {
      conditions.add(
        `((d.resolved_at IS NOT NULL)::int, -extract(epoch FROM d.created_at), d.id) >
         (?::int, -extract(epoch FROM ?::timestamptz), ?::uuid)`,
        filter.after.rank ?? 0,
        filter.after.createdAt,
        filter.after.id,
      );
    }
    const rows: DeadLetterRow[] = await this.dataSource.query(
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

  async find(id: string): Promise<DeadLetter | null> {
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `${SELECT_DEAD_LETTER} WHERE d.id = $1`,
      [id],
    );
    return rows.length === 0 ? null : toDeadLetter(rows[0]);
  }

  /** Answers the resolved dead letter, or null when it was not unresolved (or does not exist). */
  async resolve(input: {
    id: string;
    resolution: ManualResolution;
    note: string | null;
  }): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE dead_letters SET resolution = $2, note = $3, resolved_at = now()
       WHERE id = $1 AND resolved_at IS NULL`,
      [input.id, input.resolution, input.note],
    );
    return affected === 1;
  }

  /** Counts the matching unresolved dead letters, and answers the time it counted at. */
  async countUnresolved(filter: BulkFilter): Promise<{ matched: number; asOf: Date }> {
    const conditions = bulkConditions(filter);
    const [row]: { n: number; as_of: Date }[] = await this.dataSource.query(
      `SELECT count(*)::int AS n, now() AS as_of FROM dead_letters d ${conditions.where}`,
      conditions.params,
    );
    return { matched: row.n, asOf: row.as_of };
  }

  /** One batch of matching unresolved dead letters after `afterId` (by id), for bulk replay. */
  async nextBatch(filter: BulkFilter, afterId: string | null, size: number) {
    const conditions = bulkConditions(filter);
    if (afterId !== null) {
      conditions.add('d.id > ?', afterId);
    }
    const rows: { id: string; execution_id: string }[] = await this.dataSource.query(
      `SELECT d.id, d.execution_id FROM dead_letters d ${conditions.where}
       ORDER BY d.id LIMIT ${conditions.param(size)}`,
      conditions.params,
    );
    return rows.map((row) => ({ id: row.id, executionId: row.execution_id }));
  }
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
  if (filter.triggerId !== undefined) {
    conditions.add('d.trigger_id = ?', filter.triggerId);
  }
  if (filter.errorCategory !== undefined) {
    conditions.add('d.error_category = ?', filter.errorCategory);
  }
  if (filter.from !== undefined) {
    conditions.add('d.created_at >= ?', filter.from);
  }
  if (filter.to !== undefined) {
    conditions.add('d.created_at < ?', filter.to);
  }
  return conditions;
}
