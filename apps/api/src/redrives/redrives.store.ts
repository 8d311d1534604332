import { Injectable } from '@nestjs/common';
import type { Page, Redrive, RedriveFilter, RedriveStatus } from '@triggerline/contracts';
import { Database, type Sql, type Statement } from '../database/database';
import { SqlConditions } from '../database/sql-conditions';
import { type Cursor, toPage } from '../http/cursor';
import { isoOrNull } from '../database/row-values';

// The one owner of `redrives`. A redrive is worked by the process holding its lease; each
// batch locks the row, checks the lease, and advances cursor and counts in the transaction
// that replays the batch, so a crash loses no progress and repeats no replay.

interface RedriveRow {
  id: string;
  status: RedriveStatus;
  filter: RedriveFilter;
  as_of: Date;
  rate_per_second: number;
  matched: number;
  replayed: number;
  skipped: number;
  cursor: string | null;
  created_at: Date;
  finished_at: Date | null;
}

/** A running redrive as its worker sees it, under the row lock. */
export interface RedriveProgress {
  id: string;
  filter: RedriveFilter;
  asOf: Date;
  ratePerSecond: number;
  cursor: string | null;
}

const COLUMNS = `id, status, filter, as_of, rate_per_second, matched, replayed, skipped, cursor,
                 created_at, finished_at`;

const INSERT: Statement = {
  name: 'redrives_insert',
  // Nothing to replay: done at once.
  text: `INSERT INTO redrives (status, filter, as_of, rate_per_second, matched, finished_at)
         VALUES (CASE WHEN $4 = 0 THEN 'done' ELSE 'running' END, $1, $2, $3, $4,
                 CASE WHEN $4 = 0 THEN now() END)
         RETURNING ${COLUMNS}`,
};

const FIND: Statement = {
  name: 'redrives_find',
  text: `SELECT ${COLUMNS} FROM redrives WHERE id = $1`,
};

const CANCEL: Statement = {
  name: 'redrives_cancel',
  text: `UPDATE redrives
         SET status = 'cancelled', finished_at = now(), updated_at = now(),
             lease_owner = NULL, lease_expires_at = NULL
         WHERE id = $1 AND status = 'running'`,
};

const CLAIM: Statement = {
  name: 'redrives_claim',
  // Wrapped in a SELECT so that every driver answers rows.
  text: `WITH claimed AS (
           UPDATE redrives
           SET lease_owner = $1, lease_expires_at = now() + $2 * interval '1 millisecond',
               updated_at = now()
           WHERE id = (
             SELECT id FROM redrives
             WHERE status = 'running'
               AND (lease_expires_at IS NULL OR lease_expires_at < now())
             ORDER BY created_at
             LIMIT 1
             FOR UPDATE SKIP LOCKED)
           RETURNING id)
         SELECT id FROM claimed`,
};

const SELECT_OWNED = `SELECT ${COLUMNS} FROM redrives
                      WHERE id = $1 AND status = 'running' AND lease_owner = $2`;

const FIND_OWNED: Statement = { name: 'redrives_find_owned', text: SELECT_OWNED };

const LOCK_OWNED: Statement = {
  name: 'redrives_lock_owned',
  text: `${SELECT_OWNED} FOR UPDATE`,
};

const ADVANCE: Statement = {
  name: 'redrives_advance',
  text: `UPDATE redrives
         SET cursor = $2, replayed = replayed + $3, skipped = skipped + $4,
             lease_expires_at = now() + $5 * interval '1 millisecond', updated_at = now()
         WHERE id = $1`,
};

const FINISH: Statement = {
  name: 'redrives_finish',
  // Matched dead letters resolved by someone else meanwhile were never reached: skipped too.
  text: `UPDATE redrives
         SET status = 'done', finished_at = now(), updated_at = now(),
             skipped = greatest(skipped, matched - replayed),
             lease_owner = NULL, lease_expires_at = NULL
         WHERE id = $1`,
};

const RELEASE: Statement = {
  name: 'redrives_release',
  text: `UPDATE redrives SET lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
         WHERE lease_owner = $1 AND status = 'running'`,
};

const DELETE_FINISHED: Statement = {
  name: 'redrives_delete_finished',
  // Redrives are few (one per operator request): no index needed to find the old ones.
  text: `DELETE FROM redrives WHERE id IN (
           SELECT id FROM redrives
           WHERE status IN ('done', 'cancelled') AND finished_at < now() - $1 * interval '1 day'
           LIMIT $2
           FOR UPDATE SKIP LOCKED)`,
};

@Injectable()
export class RedrivesStore {
  constructor(private readonly database: Database) {}

  async create(input: {
    filter: RedriveFilter;
    asOf: Date;
    ratePerSecond: number;
    matched: number;
  }): Promise<Redrive> {
    const { rows } = await this.database.run<RedriveRow>(INSERT, [
      JSON.stringify(input.filter),
      input.asOf,
      input.ratePerSecond,
      input.matched,
    ]);
    return toRedrive(rows[0]);
  }

  async find(id: string): Promise<Redrive | null> {
    const { rows } = await this.database.run<RedriveRow>(FIND, [id]);
    return rows.length === 0 ? null : toRedrive(rows[0]);
  }

  /** Newest first, a page of `limit` after the cursor. */
  async list(page: { limit: number; after?: Cursor }): Promise<Page<Redrive>> {
    const conditions = new SqlConditions();
    if (page.after !== undefined) {
      conditions.add(
        '(created_at, id) < (?::timestamptz, ?::uuid)',
        page.after.createdAt,
        page.after.id,
      );
    }
    const { rows } = await this.database.query<RedriveRow & { created_at_text: string }>(
      `SELECT ${COLUMNS}, created_at::text AS created_at_text FROM redrives ${conditions.where}
       ORDER BY created_at DESC, id DESC LIMIT ${conditions.param(page.limit + 1)}`,
      conditions.params,
    );
    return toPage(rows, page.limit, toRedrive, (row) => ({
      createdAt: row.created_at_text,
      id: row.id,
    }));
  }

  /** Answers true when it was running and now is cancelled. */
  async cancel(id: string): Promise<boolean> {
    const { rowCount } = await this.database.run(CANCEL, [id]);
    return rowCount === 1;
  }

  /** Leases the oldest running redrive nobody holds (or whose holder died) to `owner`. */
  async claim(owner: string, leaseMs: number): Promise<string | null> {
    const { rows } = await this.database.run<{ id: string }>(CLAIM, [owner, leaseMs]);
    return rows.length === 0 ? null : rows[0].id;
  }

  /** The redrive's progress while it runs and is ours; else null. */
  async findOwned(id: string, owner: string): Promise<RedriveProgress | null> {
    return toProgress((await this.database.run<RedriveRow>(FIND_OWNED, [id, owner])).rows);
  }

  /** Locks the redrive for one batch; null when it is no longer running or no longer ours. */
  async lockOwned(sql: Sql, id: string, owner: string): Promise<RedriveProgress | null> {
    return toProgress((await sql.run<RedriveRow>(LOCK_OWNED, [id, owner])).rows);
  }

  async advance(
    sql: Sql,
    input: { id: string; cursor: string; replayed: number; skipped: number; leaseMs: number },
  ): Promise<void> {
    await sql.run(ADVANCE, [input.id, input.cursor, input.replayed, input.skipped, input.leaseMs]);
  }

  async finish(sql: Sql, id: string): Promise<void> {
    await sql.run(FINISH, [id]);
  }

  /** Deletes up to `limit` redrives finished more than `olderThanDays` ago; answers how many. */
  async deleteFinished(input: { olderThanDays: number; limit: number }): Promise<number> {
    const { rowCount } = await this.database.run(DELETE_FINISHED, [
      input.olderThanDays,
      input.limit,
    ]);
    return rowCount;
  }

  /** Gives up `owner`'s leases at shutdown, so another process takes over at once. */
  async release(owner: string): Promise<void> {
    await this.database.run(RELEASE, [owner]);
  }
}

function toProgress(rows: RedriveRow[]): RedriveProgress | null {
  if (rows.length === 0) {
    return null;
  }
  const [row] = rows;
  return {
    id: row.id,
    filter: row.filter,
    asOf: row.as_of,
    ratePerSecond: row.rate_per_second,
    cursor: row.cursor,
  };
}

function toRedrive(row: RedriveRow): Redrive {
  return {
    id: row.id,
    status: row.status,
    matched: row.matched,
    replayed: row.replayed,
    skipped: row.skipped,
    ratePerSecond: row.rate_per_second,
    filter: row.filter,
    createdAt: row.created_at.toISOString(),
    finishedAt: isoOrNull(row.finished_at),
  };
}
