import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { Database } from '../../apps/api/src/database/database';
import { dataSourceOptions } from '../../apps/api/src/database/data-source';
import { runMigrationsLocked } from '../../apps/api/src/database/migrate';
import { waitFor } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The medium tier (as immich's `server/test/medium`): stores and the dispatch engine driven
 * directly, without HTTP or Nest, against a fresh migrated PostgreSQL database of their own.
 */
export interface MediumDatabase {
  dataSource: DataSource;
  database: Database;
  pool: Pool;
  url: string;
  query<T = any>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

// The medium tier needs a server: several connections, and real concurrency.
export const describeMedium = (name: string, body: () => void) => describe(name, body);

export async function openMediumDatabase(
  options: { prepared?: boolean; poolSize?: number } = {},
): Promise<MediumDatabase> {
  const test: TestDatabase = await createTestDatabase({ onServer: true });
  const dataSource = new DataSource(
    dataSourceOptions({ url: test.url!, poolSize: options.poolSize ?? 4 }),
  );
  await dataSource.initialize();
  await runMigrationsLocked(dataSource);
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  return {
    dataSource,
    database: new Database(pool, options.prepared ?? true),
    pool,
    url: test.url!,
    query: async (sql, params) => (await pool.query(sql, params)).rows,
    close: async () => {
      await dataSource.destroy();
      await test.drop();
    },
  };
}

/** Inserts a trigger whose http action goes nowhere (the stores under test never call it). */
export async function insertIdleTrigger(db: MediumDatabase, slug: string): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO triggers (name, slug, action, retry_policy, idempotency_key_paths)
     VALUES ($1, $1, $2, $3, '{}') RETURNING id`,
    [
      slug,
      JSON.stringify({ type: 'http', url: 'http://127.0.0.1:9/', method: 'POST' }),
      JSON.stringify({ maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 1000, jitterMs: 0 }),
    ],
  );
  return row.id;
}

/**
 * Runs `work` while another session holds an uncommitted insert (`sql`, `params`), until
 * `waiters` sessions wait for its lock; then rolls the insert back and answers `work`'s result.
 */
export async function whileInsertIsUncommitted<T>(
  db: MediumDatabase,
  insert: { sql: string; params: unknown[]; waiters: number },
  work: () => Promise<T>,
): Promise<T> {
  const blocker = await db.pool.connect();
  try {
    await blocker.query('BEGIN');
    await blocker.query(insert.sql, insert.params);
    const result = work();
    await waitFor(
      async () => {
        const [{ n }] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return n === insert.waiters ? true : undefined;
      },
      { what: `${insert.waiters} sessions to wait for the uncommitted insert` },
    );
    await blocker.query('ROLLBACK');
    return await result;
  } finally {
    blocker.release();
  }
}
