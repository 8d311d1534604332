import type { Redrive } from '@triggerline/contracts';
import { Client } from 'pg';
import { replayCounts, seedDeadLetters } from './support/dead-letter-seed';
import { httpTrigger } from './support/fixtures';
import { type SpawnedApp, spawnApp } from './support/spawned-app';
import { ADMIN_TOKEN, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

// A redrive's state is in the database: killing the process that works it loses nothing.
describeWithPostgres('redrives across a crash', () => {
  let database: TestDatabase;
  let db: Client;
  const query = async (sql: string, params?: unknown[]) => (await db.query(sql, params)).rows;
  const apps: SpawnedApp[] = [];

  const start = async () => {
    const app = await spawnApp({
      DATABASE_URL: database.url!,
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      ROLE: 'api',
      LEASE_MS: '2000',
      REPLAY_COOLDOWN_MS: '0',
    });
    apps.push(app);
    return app;
  };
  const call = async (app: SpawnedApp, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Redrive & { id: string };
  };

  /** Kills `first` once it replayed some of the redrive; a second process finishes it. */
  async function finishAfterCrash(first: SpawnedApp, redriveId: string): Promise<Redrive> {
    await waitFor(
      async () =>
        (await call(first, 'GET', `/api/redrives/${redriveId}`)).replayed >= 40 ? true : undefined,
      { timeoutMs: 30_000, what: 'the first process to replay some' },
    );
    await first.stop('SIGKILL');
    const atCrash = (await query(`SELECT replayed FROM redrives WHERE id = $1`, [redriveId]))[0]
      .replayed as number;
    expect(atCrash).toBeLessThan(200);
    const second = await start();
    return waitFor(
      async () => {
        const current = await call(second, 'GET', `/api/redrives/${redriveId}`);
        return current.status === 'done' ? current : undefined;
      },
      { timeoutMs: 60_000, what: 'the second process to finish the redrive' },
    );
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url! });
    await db.connect();
  });
  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop('SIGKILL')));
    await db.end();
    await database.drop();
  });

  it('finishes after the process working it is killed, replaying nothing twice', async () => {
    const first = await start();
    const { id: triggerId } = await call(first, 'POST', '/api/triggers', httpTrigger('crash'));
    await seedDeadLetters(query, triggerId, 200);

    const created = await call(first, 'POST', '/api/redrives', { triggerId, ratePerSecond: 40 });
    expect(created.matched).toBe(200);
    const done = await finishAfterCrash(first, created.id);
    expect(done).toMatchObject({ matched: 200, replayed: 200, skipped: 0 });
    const counts = await replayCounts(query, triggerId);
    expect(counts).toHaveLength(200);
    expect(counts.filter(([, n]) => n !== 1)).toEqual([]);
  });

  it('finishes a replay from history into another trigger after a crash, each copied once', async () => {
    const first = await start();
    const { id: source } = await call(first, 'POST', '/api/triggers', httpTrigger('history'));
    const { id: target } = await call(first, 'POST', '/api/triggers', httpTrigger('restored'));
    await query(
      `WITH created AS (
         INSERT INTO executions (trigger_id, status, attempt_count, finished_at)
         SELECT $1, 'succeeded', 1, now() FROM generate_series(1, 200)
         RETURNING id)
       INSERT INTO execution_payloads (execution_id, payload, headers)
       SELECT id, jsonb_build_object('seeded', id), '{}'::jsonb FROM created`,
      [source],
    );

    const created = await call(first, 'POST', '/api/redrives', {
      source: 'executions',
      triggerId: source,
      targetTriggerId: target,
      ratePerSecond: 40,
    });
    expect(created.matched).toBe(200);
    const done = await finishAfterCrash(first, created.id);
    expect(done).toMatchObject({ matched: 200, replayed: 200, skipped: 0 });
    const counts = await replayCounts(query, target);
    expect(counts).toHaveLength(200);
    expect(counts.filter(([, n]) => n !== 1)).toEqual([]);
  });
});
