import { Injectable } from '@nestjs/common';
import type { AuditDetails, AuditEntry, Page } from '@triggerline/contracts';
import { Database, type Statement } from '../database/database';
import { SqlConditions } from '../database/sql-conditions';
import { type Cursor, toPage } from '../http/cursor';

interface AuditRow {
  id: string;
  at: Date;
  at_text: string;
  actor: string;
  action: string;
  target_id: string | null;
  status: number;
  details: AuditDetails | null;
}

const RECORD: Statement = {
  name: 'audit_log_insert',
  text: `INSERT INTO audit_log (actor, action, target_id, status, details)
         VALUES ($1, $2, $3, $4, $5)`,
};

const DELETE_OLD: Statement = {
  name: 'audit_log_delete_old',
  // Found through audit_log_at_idx; rows another process is deleting are skipped.
  text: `DELETE FROM audit_log WHERE id IN (
           SELECT id FROM audit_log WHERE at < now() - $1 * interval '1 day'
           LIMIT $2
           FOR UPDATE SKIP LOCKED)`,
};

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

/** Which entries a list shows; every filter given must match. */
export interface AuditMatch {
  actor?: string;
  action?: string;
  /** On `at`: from inclusive, to exclusive (ISO-8601). */
  from?: string;
  to?: string;
}

/** The one owner of `audit_log`: an append-only record of mutating API calls. */
@Injectable()
export class AuditLogStore {
  constructor(private readonly database: Database) {}

  async record(entry: NewAuditEntry): Promise<void> {
    await this.database.run(RECORD, [
      entry.actor,
      entry.action,
      entry.targetId,
      entry.status,
      entry.details === null ? null : JSON.stringify(entry.details),
    ]);
  }

  /** Newest first. */
  async list(
    match: AuditMatch,
    page: { limit: number; after?: Cursor },
  ): Promise<Page<AuditEntry>> {
    const conditions = new SqlConditions();
    if (match.actor !== undefined) {
      conditions.add('actor = ?', match.actor);
    }
    if (match.action !== undefined) {
      conditions.add('action = ?', match.action);
    }
    if (match.from !== undefined) {
      conditions.add('at >= ?::timestamptz', match.from);
    }
    if (match.to !== undefined) {
      conditions.add('at < ?::timestamptz', match.to);
    }
    if (page.after !== undefined) {
      conditions.add('(at, id) < (?::timestamptz, ?::uuid)', page.after.createdAt, page.after.id);
    }
    const { rows } = await this.database.query<AuditRow>(
      `SELECT *, at::text AS at_text FROM audit_log ${conditions.where}
       ORDER BY at DESC, id DESC LIMIT ${conditions.param(page.limit + 1)}`,
      conditions.params,
    );
    return toPage(
      rows,
      page.limit,
      (row) => ({
        id: row.id,
        at: row.at.toISOString(),
        actor: row.actor,
        action: row.action,
        targetId: row.target_id,
        status: row.status,
        details: row.details,
      }),
      (row) => ({ createdAt: row.at_text, id: row.id }),
    );
  }

  /** Deletes up to `limit` entries older than `olderThanDays`; answers how many. */
  async deleteOlderThan(input: { olderThanDays: number; limit: number }): Promise<number> {
    const { rowCount } = await this.database.run(DELETE_OLD, [input.olderThanDays, input.limit]);
    return rowCount;
  }
}
