import { Injectable } from '@nestjs/common';
import type {
  Page,
  Rejection,
  RejectionReason,
  RejectionRetryResult,
} from '@triggerline/contracts';
import { Database, type Sql, type Statement } from '../database/database';
import { SqlConditions } from '../database/sql-conditions';
import { type Cursor, toPage } from '../http/cursor';

/** A refused delivery as stored: credential header values, target and body sealed. */
export interface NewRejection {
  triggerId: string;
  reason: RejectionReason;
  sourceIp: string | null;
  method: string;
  /** The path and query the sender called, sealed (a query may carry a token). */
  requestTarget: string;
  headers: Record<string, string>;
  /** The raw bytes in base64, sealed. */
  body: string;
  bodyBytes: number;
}

export interface StoredRejection extends Rejection {
  method: string;
  requestTarget: string;
  body: string;
}

interface RejectionRow {
  id: string;
  trigger_id: string;
  trigger_slug: string;
  reason: RejectionReason;
  received_at: Date;
  received_at_text: string;
  source_ip: string | null;
  method: string;
  request_target: string;
  headers: Record<string, string>;
  body: string;
  body_bytes: number;
  retried_at: Date | null;
  retry_result: RejectionRetryResult | null;
}

// The insert trims the trigger's oldest beyond the bound in the same statement. Inserts for one
// trigger take turns (LOCK_TRIGGER_LOG, held to the commit), so each trim sees every row the
// others wrote: the log of a trigger never holds more than `max` rows, however many processes
// refuse a sender's deliveries at once.
const LOCK_TRIGGER_LOG: Statement = {
  name: 'rejections_lock_trigger_log',
  text: `SELECT pg_advisory_xact_lock(7306, hashtext($1::text))`,
};

const RECORD: Statement = {
  name: 'rejections_record',
  text: `WITH inserted AS (
           INSERT INTO rejections (trigger_id, reason, source_ip, method, request_target, headers,
                                   body, body_bytes)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id)
         DELETE FROM rejections WHERE id IN (
           SELECT id FROM rejections WHERE trigger_id = $1
           ORDER BY received_at DESC, id DESC OFFSET $9)`,
};

const RECORD_RETRY: Statement = {
  name: 'rejections_record_retry',
  text: `UPDATE rejections SET retried_at = now(), retry_result = $2 WHERE id = $1`,
};

const REJECTING: Statement = {
  name: 'rejections_rejecting',
  text: `SELECT trigger_id, count(*)::int AS n, mode() WITHIN GROUP (ORDER BY reason) AS reason
         FROM rejections WHERE received_at > now() - interval '15 minutes'
         GROUP BY trigger_id HAVING count(*) > $1`,
};

const DELETE_OLDER_THAN: Statement = {
  name: 'rejections_delete_older_than',
  text: `DELETE FROM rejections WHERE id IN (
           SELECT id FROM rejections WHERE received_at < now() - $1 * interval '1 day'
           LIMIT $2 FOR UPDATE SKIP LOCKED)`,
};

const SELECT = `SELECT r.*, r.received_at::text AS received_at_text, t.slug AS trigger_slug
                FROM rejections r JOIN triggers t ON t.id = r.trigger_id`;

/** The one owner of `rejections`: refused deliveries of existing triggers (SPEC §13). */
@Injectable()
export class RejectionsStore {
  constructor(private readonly database: Database) {}

  async record(rejection: NewRejection, maxPerTrigger: number): Promise<void> {
    await this.database.transaction(async (sql) => {
      await sql.run(LOCK_TRIGGER_LOG, [rejection.triggerId]);
      await sql.run(RECORD, [
        rejection.triggerId,
        rejection.reason,
        rejection.sourceIp,
        rejection.method,
        rejection.requestTarget,
        JSON.stringify(rejection.headers),
        rejection.body,
        rejection.bodyBytes,
        maxPerTrigger - 1,
      ]);
    });
  }

  async recordRetry(id: string, result: RejectionRetryResult): Promise<void> {
    await this.database.run(RECORD_RETRY, [id, JSON.stringify(result)]);
  }

  async find(id: string): Promise<StoredRejection | null> {
    const { rows } = await this.database.query<RejectionRow>(`${SELECT} WHERE r.id = $1`, [id]);
    return rows.length === 0 ? null : toStored(rows[0]);
  }

  /** Newest first. */
  async list(filter: {
    triggerId?: string;
    reason?: RejectionReason;
    from?: string;
    to?: string;
    limit: number;
    after?: Cursor;
  }): Promise<Page<StoredRejection>> {
    const conditions = new SqlConditions();
    if (filter.triggerId !== undefined) {
      conditions.add('r.trigger_id = ?', filter.triggerId);
    }
    if (filter.reason !== undefined) {
      conditions.add('r.reason = ?', filter.reason);
    }
    if (filter.from !== undefined) {
      conditions.add('r.received_at >= ?', filter.from);
    }
    if (filter.to !== undefined) {
      conditions.add('r.received_at < ?', filter.to);
    }
    if (filter.after !== undefined) {
      conditions.add(
        '(r.received_at, r.id) < (?::timestamptz, ?::uuid)',
        filter.after.createdAt,
        filter.after.id,
      );
    }
    const { rows } = await this.database.query<RejectionRow>(
      `${SELECT} ${conditions.where}
       ORDER BY r.received_at DESC, r.id DESC LIMIT ${conditions.param(filter.limit + 1)}`,
      conditions.params,
    );
    return toPage(rows, filter.limit, toStored, (row) => ({
      createdAt: row.received_at_text,
      id: row.id,
    }));
  }

  /** Triggers that refused more than `threshold` deliveries in the last 15 minutes. */
  async rejecting(
    threshold: number,
    sql: Sql = this.database,
  ): Promise<{ triggerId: string; count: number; reason: RejectionReason }[]> {
    const { rows } = await sql.run<{
      trigger_id: string;
      n: number;
      reason: RejectionReason;
    }>(REJECTING, [threshold]);
    return rows.map((row) => ({ triggerId: row.trigger_id, count: row.n, reason: row.reason }));
  }

  /** Deletes one batch older than `olderThanDays`; answers how many. */
  async deleteOlderThan(query: { olderThanDays: number; limit: number }): Promise<number> {
    return (await this.database.run(DELETE_OLDER_THAN, [query.olderThanDays, query.limit]))
      .rowCount;
  }
}

function toStored(row: RejectionRow): StoredRejection {
  return {
    id: row.id,
    triggerId: row.trigger_id,
    triggerSlug: row.trigger_slug,
    reason: row.reason,
    receivedAt: row.received_at.toISOString(),
    sourceIp: row.source_ip,
    headers: row.headers,
    bodyBytes: row.body_bytes,
    retriedAt: row.retried_at?.toISOString() ?? null,
    retryResult: row.retry_result,
    method: row.method,
    requestTarget: row.request_target,
    body: row.body,
  };
}
