import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../apps/api/src/database/data-source';
import { httpTrigger } from './support/fixtures';
import { ADMIN_TOKEN, startTestApp, type TestApp } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  serverUrl,
  type TestDatabase,
} from './support/test-database';

// The "replica" is a second database on the same server holding a history of its own, and
// read-only for every session: what the console shows says which database answered, and any
// write sent there would fail.
describeWithPostgres('DATABASE_READ_URL: the console reads the replica, nothing writes it', () => {
  let primary: TestDatabase;
  let replica: TestDatabase;
  let primaryDb: Client;
  let replicaDb: Client;
  let replicaTriggerId: string;
  let t: TestApp;

  const countIn = async (db: Client, sql: string, params: unknown[] = []) =>
    ((await db.query(sql, params)).rows[0] as { n: number }).n;

  beforeAll(async () => {
    primary = await createTestDatabase();
    replica = await createTestDatabase();
    const seed = new DataSource(dataSourceOptions({ url: replica.url!, poolSize: 1 }));
    await seed.initialize();
    await seed.runMigrations();
    [{ id: replicaTriggerId }] = await seed.query(
      `INSERT INTO triggers (name, slug, retry_policy, action)
       VALUES ('On the replica', 'on-replica', '{}', '{"type": "http", "url": "http://127.0.0.1:9/r"}')
       RETURNING id`,
    );
    await seed.query(
      `INSERT INTO executions (trigger_id, status, idempotency_key, finished_at)
       SELECT $1, 'succeeded', 'replica-' || n, now() FROM generate_series(1, 7) n`,
      [replicaTriggerId],
    );
    await seed.query(
      `WITH dead AS (
         INSERT INTO executions (trigger_id, status, idempotency_key, finished_at)
         VALUES ($1, 'dead_lettered', 'replica-dead', now()) RETURNING id, trigger_id)
       INSERT INTO dead_letters (execution_id, trigger_id, payload, attempt_count)
       SELECT id, trigger_id, '{}', 3 FROM dead`,
      [replicaTriggerId],
    );
    await seed.destroy();
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(
      `ALTER DATABASE ${new URL(replica.url!).pathname.slice(1)} SET default_transaction_read_only = on`,
    );
    await admin.end();

    t = await startTestApp({ DATABASE_READ_URL: replica.url! }, { database: primary });
    primaryDb = new Client({ connectionString: primary.url! });
    replicaDb = new Client({ connectionString: replica.url! });
    await Promise.all([primaryDb.connect(), replicaDb.connect()]);
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([primaryDb.end(), replicaDb.end()]);
    await Promise.all([primary.drop(), replica.drop()]);
  });

  it('serves the execution and dead-letter lists, the search by key and the stats from the replica', async () => {
    const executions = await t.api('GET', '/api/executions?limit=50');
    expect(executions.status).toBe(200);
    expect(executions.body.items).toHaveLength(8);
    expect(
      executions.body.items.every((e: { triggerId: string }) => e.triggerId === replicaTriggerId),
    ).toBe(true);
    const byKey = await t.api('GET', '/api/executions?idempotencyKey=replica-3');
    expect(byKey.body.items).toHaveLength(1);
    const deadLetters = await t.api('GET', '/api/dead-letters?unresolved=true');
    expect(deadLetters.body.items).toMatchObject([{ triggerId: replicaTriggerId }]);
    const exported = await fetch(`${t.baseUrl}/api/executions/export`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect((await exported.text()).trim().split('\n')).toHaveLength(8);

    const stats = await t.api('GET', '/api/stats');
    expect(stats.body).toMatchObject({
      total: 8,
      byStatus: { succeeded: 7, dead_lettered: 1 },
      dlqSize: 1,
      triggers: [{ id: replicaTriggerId, slug: 'on-replica', executions24h: 8 }],
    });
  });

  it('writes triggers, deliveries and their executions to the primary only', async () => {
    const created = await t.api('POST', '/api/triggers', httpTrigger('on-primary'));
    expect(created.status).toBe(201);
    const accepted = await t.hook('on-primary', { a: 1 }, { 'idempotency-key': 'primary-1' });
    expect(accepted.status).toBe(202);

    expect(await countIn(primaryDb, `SELECT count(*)::int AS n FROM triggers`)).toBe(1);
    expect(await countIn(primaryDb, `SELECT count(*)::int AS n FROM executions`)).toBe(1);
    expect(await countIn(replicaDb, `SELECT count(*)::int AS n FROM triggers`)).toBe(1);
    expect(await countIn(replicaDb, `SELECT count(*)::int AS n FROM executions`)).toBe(8);
    // A single execution and the trigger list are read where they were written.
    expect((await t.api('GET', `/api/executions/${accepted.body.executionId}`)).status).toBe(200);
    const triggers = await t.api('GET', '/api/triggers');
    expect(triggers.body.items.map((trigger: { slug: string }) => trigger.slug)).toEqual([
      'on-primary',
    ]);
    // The lists keep showing the replica's history, which has not received the delivery.
    const executions = await t.api('GET', '/api/executions?limit=50');
    expect(executions.body.items).toHaveLength(8);
    // The replica's pool is the console's: its sessions are named for it.
    const sessions = await countIn(
      primaryDb,
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE datname = $1 AND application_name = 'triggerline-all-read'`,
      [new URL(replica.url!).pathname.slice(1)],
    );
    expect(sessions).toBeGreaterThan(0);
  });
});
