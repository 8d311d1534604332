import { Client } from 'pg';
import { HttpTarget } from './support/http-target';
import { httpTrigger } from './support/fixtures';
import { type SpawnedApp, spawnApp } from './support/spawned-app';
import { ADMIN_TOKEN, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

// Separate OS processes on one PostgreSQL database, coordinating through it alone.
describeWithPostgres('API and worker processes on PostgreSQL', () => {
  let database: TestDatabase;
  let db: Client;
  let target: HttpTarget;
  const apps: SpawnedApp[] = [];

  const start = async (env: Record<string, string>) => {
    const app = await spawnApp({
      DATABASE_URL: database.url!,
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      ...env,
    });
    apps.push(app);
    return app;
  };
  const call = (app: SpawnedApp, method: string, path: string, body?: unknown) =>
    fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const deliver = (app: SpawnedApp, slug: string, key: string) =>
    fetch(`${app.baseUrl}/hooks/${slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ key }),
    });
  const countByStatus = async (triggerSlug: string, status: string) => {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM executions e JOIN triggers t ON t.id = e.trigger_id
       WHERE t.slug = $1 AND e.status = $2`,
      [triggerSlug, status],
    );
    return rows[0].n as number;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url! });
    await db.connect();
    target = await HttpTarget.start();
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop('SIGKILL')));
  });
  afterAll(async () => {
    await target.close();
    await db.end();
    await database.drop();
  });

  it('executes nothing in an api-only process; a worker process does, serving only health and metrics', async () => {
    const api = await start({ ROLE: 'api' });
    await call(
      api,
      'POST',
      '/api/triggers',
      httpTrigger('api-only', { action: { type: 'http', url: `${target.url}/a` } }),
    );
    for (let i = 0; i < 5; i++) {
      expect((await deliver(api, 'api-only', `a-${i}`)).status).toBe(202);
    }
    expect(await countByStatus('api-only', 'pending')).toBe(5);
    expect(target.received).toHaveLength(0);

    const worker = await start({ ROLE: 'worker' });
    await waitFor(
      async () => ((await countByStatus('api-only', 'succeeded')) === 5 ? true : undefined),
      {
        what: '5 executions to succeed',
      },
    );
    const { rows } = await db.query(`SELECT DISTINCT worker_id FROM attempts`);
    expect(rows).toHaveLength(1);
    expect(rows[0].worker_id).toContain(`:${worker.process.pid}:`);
    expect((await call(worker, 'GET', '/api/triggers')).status).toBe(404);
    expect((await fetch(`${worker.baseUrl}/docs`)).status).toBe(404);
    expect((await fetch(`${worker.baseUrl}/health/ready`)).status).toBe(200);
  });

  it('loses nothing when a worker is killed with 40 slow executions in flight', async () => {
    let isHolding = true;
    target.received.length = 0;
    target.respond((_request, response) => {
      if (!isHolding) {
        response.writeHead(200).end('ok');
      } // while holding, the request hangs until its worker dies
    });
    const api = await start({ ROLE: 'api' });
    await call(
      api,
      'POST',
      '/api/triggers',
      httpTrigger('slow', {
        action: { type: 'http', url: `${target.url}/slow`, timeoutMs: 60000 },
      }),
    );
    const doomed = await start({ ROLE: 'worker', WORKER_CONCURRENCY: '40', LEASE_MS: '1500' });
    for (let i = 0; i < 40; i++) {
      expect((await deliver(api, 'slow', `slow-${i}`)).status).toBe(202);
    }
    await waitFor(() => (target.received.length === 40 ? true : undefined), {
      what: '40 requests in flight',
    });

    await doomed.stop('SIGKILL');
    isHolding = false;
    await start({ ROLE: 'worker', LEASE_MS: '1500' });
    await waitFor(
      async () => ((await countByStatus('slow', 'succeeded')) === 40 ? true : undefined),
      {
        what: 'all 40 executions to succeed',
        timeoutMs: 60000,
      },
    );

    const redeliveries = target.received.length - 40;
    expect(redeliveries).toBeLessThanOrEqual(40);
    const keysByExecution = new Map<string, Set<string>>();
    for (const request of target.received) {
      const id = request.headers['x-triggerline-execution'] as string;
      keysByExecution.set(
        id,
        (keysByExecution.get(id) ?? new Set()).add(request.headers['idempotency-key'] as string),
      );
    }
    expect(keysByExecution.size).toBe(40);
    expect([...keysByExecution.values()].every((keys) => keys.size === 1)).toBe(true);
    const { rows } = await db.query(
      `SELECT a.outcome, a.error FROM attempts a JOIN executions e ON e.id = a.execution_id
       JOIN triggers t ON t.id = e.trigger_id WHERE t.slug = 'slow' AND a.number = 1`,
    );
    expect(rows).toHaveLength(40);
    expect(
      rows.every((row) => row.outcome === 'transient' && /Lease expired/.test(row.error)),
    ).toBe(true);
  });

  it('delivers 600 executions exactly once with three workers', async () => {
    target.received.length = 0;
    target.respond((_request, response) => response.writeHead(200).end('ok'));
    const api = await start({ ROLE: 'api' });
    const workers = [];
    for (let i = 0; i < 3; i++) {
      workers.push(await start({ ROLE: 'worker' }));
    }
    await call(
      api,
      'POST',
      '/api/triggers',
      httpTrigger('bulk', { action: { type: 'http', url: `${target.url}/bulk` } }),
    );
    for (let batch = 0; batch < 12; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => deliver(api, 'bulk', `bulk-${batch * 50 + i}`)),
      );
      expect(responses.every((response) => response.status === 202)).toBe(true);
    }
    await waitFor(
      async () => ((await countByStatus('bulk', 'succeeded')) === 600 ? true : undefined),
      {
        what: '600 executions to succeed',
        timeoutMs: 120000,
      },
    );

    const perExecution = new Map<string, number>();
    for (const request of target.received) {
      const id = request.headers['x-triggerline-execution'] as string;
      perExecution.set(id, (perExecution.get(id) ?? 0) + 1);
    }
    expect(target.received).toHaveLength(600);
    expect(perExecution.size).toBe(600);
    const { rows } = await db.query(
      `SELECT count(DISTINCT a.worker_id)::int AS workers, max(a.number)::int AS max_attempt
       FROM attempts a JOIN executions e ON e.id = a.execution_id
       JOIN triggers t ON t.id = e.trigger_id WHERE t.slug = 'bulk'`,
    );
    expect(rows[0].max_attempt).toBe(1);
    expect(rows[0].workers).toBeGreaterThanOrEqual(2);
  });

  it('finishes the attempt in flight on SIGTERM before exiting, and claims nothing more', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    target.received.length = 0;
    target.respond(async (_request, response) => {
      await released;
      response.writeHead(200).end('ok');
    });
    const api = await start({ ROLE: 'api' });
    await call(
      api,
      'POST',
      '/api/triggers',
      httpTrigger('graceful', { action: { type: 'http', url: `${target.url}/g` } }),
    );
    const worker = await start({ ROLE: 'worker', LOG_LEVEL: 'info' });
    expect((await deliver(api, 'graceful', 'g-1')).status).toBe(202);
    await waitFor(() => (target.received.length === 1 ? true : undefined), {
      what: 'the request',
    });

    worker.process.kill('SIGTERM');
    await waitFor(() => (worker.output().includes('worker_stopping') ? true : undefined), {
      what: 'the worker to begin stopping',
    });
    expect((await deliver(api, 'graceful', 'g-2')).status).toBe(202);
    release();
    await worker.exited();
    // Nest re-raises the signal once shutdown is complete.
    expect(worker.process.signalCode).toBe('SIGTERM');
    expect(worker.output()).not.toContain('attempt_record_failed');
    expect(await countByStatus('graceful', 'succeeded')).toBe(1);
    expect(await countByStatus('graceful', 'pending')).toBe(1);
    expect(target.received).toHaveLength(1);
  });
});
