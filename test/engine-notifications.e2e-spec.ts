import { Client } from 'pg';
import { httpTrigger } from './support/fixtures';
import { HttpTarget } from './support/http-target';
import { startTestApp, type TestApp, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

// Two apps in this process stand for two processes: each has its own pool, LISTEN connection,
// trigger cache and in-process signal, and they meet only in the database.
describeWithPostgres('Notifications between processes', () => {
  let target: HttpTarget;
  const apps: TestApp[] = [];
  const databases: TestDatabase[] = [];
  const listeners: Client[] = [];

  const database = async () => {
    const created = await createTestDatabase();
    databases.push(created);
    return created;
  };
  const start = async (shared: TestDatabase, env: Record<string, string>) => {
    const app = await startTestApp(env, { database: shared });
    apps.push(app);
    return app;
  };
  /** Counts the wake-up NOTIFYs any process sends on this database. */
  const listenForWakeups = async (shared: TestDatabase) => {
    const client = new Client({ connectionString: shared.url! });
    listeners.push(client);
    const heard = { count: 0 };
    client.on('notification', () => heard.count++);
    await client.connect();
    await client.query('LISTEN triggerline_due');
    return heard;
  };
  const succeeded = (app: TestApp, executionId: string) =>
    waitFor(
      async () => {
        const { body } = await app.api('GET', `/api/executions/${executionId}`);
        return body.status === 'succeeded' ? true : undefined;
      },
      { what: 'the execution to succeed' },
    );

  beforeAll(async () => {
    target = await HttpTarget.start();
  });
  afterEach(async () => {
    await Promise.all(listeners.splice(0).map((client) => client.end()));
    for (const app of apps.splice(0)) {
      await app.close();
    }
    await Promise.all(databases.splice(0).map((created) => created.drop()));
  });
  afterAll(() => target.close());

  it('serves a trigger change made in one process to deliveries in another well within the cache TTL', async () => {
    const shared = await database();
    const admin = await start(shared, { ROLE: 'api' });
    const ingest = await start(shared, { ROLE: 'api' });
    await admin.api('POST', '/api/triggers', httpTrigger('cached'));
    const created = await admin.api('GET', '/api/triggers');
    const trigger = created.body.items.find((item: { slug: string }) => item.slug === 'cached');
    expect((await ingest.hook('cached', { n: 1 })).status).toBe(202); // now cached there

    await admin.api('PATCH', `/api/triggers/${trigger.id}`, { enabled: false });

    // The cache's TTL is 5 s: well before it, the NOTIFY from the triggers table emptied it.
    await waitFor(
      async () => ((await ingest.hook('cached', { n: 2 })).status === 409 ? true : undefined),
      { timeoutMs: 4000, what: 'the other process to refuse the disabled trigger' },
    );
  });

  it('sends no wake-up NOTIFY from a single process: its worker is woken in-process', async () => {
    const shared = await database();
    const heard = await listenForWakeups(shared);
    const app = await start(shared, { ROLE: 'all' });
    await app.api(
      'POST',
      '/api/triggers',
      httpTrigger('alone', { action: { type: 'http', url: target.url } }),
    );

    const { body } = await app.hook('alone', { n: 1 });
    await succeeded(app, body.executionId);

    expect(heard.count).toBe(0);
  });

  it('notifies from an api process, and from a process with a worker once another worker listens', async () => {
    const shared = await database();
    const heard = await listenForWakeups(shared);
    const api = await start(shared, { ROLE: 'api' });
    await api.api(
      'POST',
      '/api/triggers',
      httpTrigger('apart', { action: { type: 'http', url: target.url } }),
    );

    await api.hook('apart', { n: 1 });
    await waitFor(() => (heard.count > 0 ? true : undefined), { what: "the api process's NOTIFY" });

    const all = await start(shared, { ROLE: 'all' });
    await start(shared, { ROLE: 'worker' });
    heard.count = 0;
    // The process with a worker looks for other workers every 5 s.
    await waitFor(
      async () => {
        await all.hook('apart', {});
        return heard.count > 0 ? true : undefined;
      },
      { intervalMs: 200, what: 'a NOTIFY once another worker listens' },
    );
  });
});
