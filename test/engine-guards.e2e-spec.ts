import { Client } from 'pg';
import { MIGRATIONS } from '../apps/api/src/database/migrations';
import { HttpTarget, type ReceivedRequest } from './support/http-target';
import { httpTrigger } from './support/fixtures';
import { adminCall, deliver, ProcessGroup } from './support/process-group';
import type { SpawnedApp } from './support/spawned-app';
import { waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

// What the dispatch engine must keep doing whatever its internals: leases, crashes and
// wake-ups across OS processes on one PostgreSQL database, observed over HTTP and in the
// database only.
describeWithPostgres('dispatch engine guards (OS processes on PostgreSQL)', () => {
  let database: TestDatabase;
  let db: Client;
  let target: HttpTarget;
  let api: SpawnedApp;
  const workers = new ProcessGroup(() => ({ DATABASE_URL: database.url!, ROLE: 'worker' }));
  let counter = 0;

  /** A trigger whose HTTP action posts to `target` under its own path; answers its slug. */
  async function trigger(retryPolicy: Record<string, number> = {}): Promise<string> {
    const slug = `guard-${++counter}`;
    const created = await adminCall(
      api,
      'POST',
      '/api/triggers',
      httpTrigger(slug, {
        action: { type: 'http', url: `${target.url}/${slug}`, timeoutMs: 120000 },
        retryPolicy: {
          maxAttempts: 3,
          baseDelayMs: 100,
          maxDelayMs: 100,
          jitterMs: 0,
          ...retryPolicy,
        },
      }),
    );
    expect(created.status).toBe(201);
    return slug;
  }

  const requestsTo = (slug: string) => target.received.filter((r) => r.path === `/${slug}`);
  const attemptOf = (request: ReceivedRequest) => Number(request.headers['x-triggerline-attempt']);

  async function executionRow(id: string) {
    const { rows } = await db.query(
      `SELECT status, lease_owner, due_at, attempt_count, last_error, error_category,
              finished_at, updated_at
       FROM executions WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async function attemptsOf(id: string) {
    const { rows } = await db.query(
      `SELECT number, outcome, http_status, worker_id FROM attempts
       WHERE execution_id = $1 ORDER BY number`,
      [id],
    );
    return rows as { number: number; outcome: string; http_status: number | null }[];
  }

  const statusIs = (id: string, status: string) => async () =>
    (await executionRow(id))?.status === status ? true : undefined;

  /** A delivery that a worker has run to success: proof that its earlier work is behind it. */
  async function deliverMarker(): Promise<void> {
    const slug = await trigger();
    const { executionId } = await deliver(api, slug, 'marker');
    await waitFor(statusIs(executionId, 'succeeded'), { what: 'the marker execution' });
  }

  /** Holds the requests `isHeld` picks until `release()`; answers 200 to everything else. */
  function holdRequests(isHeld: (request: ReceivedRequest) => boolean) {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    target.respond(async (request, response) => {
      if (isHeld(request)) {
        await released;
      }
      response.writeHead(200).end('ok');
    });
    return release;
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url! });
    await db.connect();
    target = await HttpTarget.start();
    api = await new ProcessGroup(() => ({ DATABASE_URL: database.url!, ROLE: 'api' })).start();
  }, 300000); // the first process started builds what is out of date (scripts/start.mjs)
  afterEach(async () => {
    await workers.stopAll('SIGKILL');
    target.respond((_request, response) => response.writeHead(200).end('ok'));
  });
  afterAll(async () => {
    await api?.stop('SIGKILL');
    await target.close();
    await db.end();
    await database.drop();
  });

  it('renews the lease through a call longer than LEASE_MS, so the call is made once', async () => {
    const leaseMs = 3000;
    const slug = await trigger();
    // The call lasts two and a half leases; two workers poll often, so a lapsed lease would
    // be claimed again and show up here as a second request.
    target.respond(async (request, response) => {
      await waitFor(() => (Date.now() - request.at >= 2.5 * leaseMs ? true : undefined), {
        timeoutMs: 60000,
        intervalMs: 50,
        what: 'the long call to last',
      });
      response.writeHead(200).end('ok');
    });
    const workerEnv = { LEASE_MS: String(leaseMs), WORKER_POLL_INTERVAL_MS: '200' };
    await Promise.all([workers.start(workerEnv), workers.start(workerEnv)]);

    const { executionId } = await deliver(api, slug, 'long-call');
    await waitFor(statusIs(executionId, 'succeeded'), {
      timeoutMs: 60000,
      what: 'the long call to succeed',
    });
    expect(requestsTo(slug)).toHaveLength(1);
    expect(await attemptsOf(executionId)).toMatchObject([{ number: 1, outcome: 'success' }]);
    expect((await adminCall(api, 'GET', `/api/executions/${executionId}`)).body).toMatchObject({
      status: 'succeeded',
      attemptCount: 1,
    });
  });

  it('writes nothing for an attempt whose lease another worker holds now', async () => {
    const slug = await trigger();
    const release = holdRequests((request) => request.path === `/${slug}`);
    await workers.start();
    const { executionId } = await deliver(api, slug, 'stolen');
    await waitFor(() => (requestsTo(slug).length === 1 ? true : undefined), {
      what: 'the attempt to start',
    });

    // Another worker takes the execution over, as it would after the lease lapsed.
    const { rows: stolen } = await db.query(
      `UPDATE executions SET lease_owner = 'another-worker', due_at = now() + interval '1 hour',
              updated_at = now()
       WHERE id = $1 AND status = 'running' RETURNING id`,
      [executionId],
    );
    expect(stolen).toHaveLength(1);
    const before = await executionRow(executionId);
    release();
    await deliverMarker();

    expect(await executionRow(executionId)).toEqual(before);
    expect(await attemptsOf(executionId)).toEqual([]);
    const { rows } = await db.query(`SELECT id FROM dead_letters WHERE execution_id = $1`, [
      executionId,
    ]);
    expect(rows).toEqual([]);
  });

  it('writes nothing when a worker paused past its lease resumes after another finished the execution', async () => {
    const workerEnv = { LEASE_MS: '1500', WORKER_POLL_INTERVAL_MS: '200' };
    const slug = await trigger();
    const release = holdRequests(
      (request) => request.path === `/${slug}` && attemptOf(request) === 1,
    );
    const paused = await workers.start(workerEnv);
    const { executionId } = await deliver(api, slug, 'paused');
    await waitFor(() => (requestsTo(slug).length === 1 ? true : undefined), {
      what: 'attempt 1 to start',
    });

    paused.process.kill('SIGSTOP');
    try {
      const rescuer = await workers.start(workerEnv);
      await waitFor(statusIs(executionId, 'succeeded'), {
        timeoutMs: 60000,
        what: 'another worker to finish the execution',
      });
      await rescuer.stop('SIGKILL');
    } finally {
      paused.process.kill('SIGCONT');
    }
    const before = await executionRow(executionId);
    const attemptsBefore = await attemptsOf(executionId);
    expect(attemptsBefore.map((a) => [a.number, a.outcome])).toEqual([
      [1, 'transient'],
      [2, 'success'],
    ]);

    release(); // the paused worker's attempt 1 now succeeds, too late
    await deliverMarker(); // run by the resumed worker, the only one left
    expect(await executionRow(executionId)).toEqual(before);
    expect(await attemptsOf(executionId)).toEqual(attemptsBefore);
    expect(requestsTo(slug).map(attemptOf)).toEqual([1, 2]);
  });

  it('dead-letters an execution whose worker died during its last allowed attempt', async () => {
    const workerEnv = { LEASE_MS: '1500', WORKER_POLL_INTERVAL_MS: '200' };
    const slug = await trigger({ maxAttempts: 2 });
    target.respond((request, response) => {
      if (request.path !== `/${slug}`) {
        response.writeHead(200).end('ok');
      } else if (attemptOf(request) === 1) {
        response.writeHead(503).end('busy');
      } // attempt 2 hangs until its worker dies
    });
    const doomed = await workers.start(workerEnv);
    const { executionId } = await deliver(api, slug, 'last-try');
    await waitFor(() => (requestsTo(slug).length === 2 ? true : undefined), {
      what: 'the last allowed attempt to start',
    });

    await doomed.stop('SIGKILL');
    await workers.start(workerEnv);
    await waitFor(statusIs(executionId, 'dead_lettered'), {
      timeoutMs: 60000,
      what: 'the execution to be dead-lettered',
    });

    expect(requestsTo(slug).map(attemptOf)).toEqual([1, 2]);
    expect(await attemptsOf(executionId)).toMatchObject([
      { number: 1, outcome: 'transient', http_status: 503 },
      { number: 2, outcome: 'transient', http_status: null },
    ]);
    const { rows } = await db.query(
      `SELECT error_category, attempt_count, resolved_at FROM dead_letters WHERE execution_id = $1`,
      [executionId],
    );
    expect(rows).toEqual([{ error_category: 'transient', attempt_count: 2, resolved_at: null }]);
    await deliverMarker(); // the surviving worker claims nothing more of it
    expect(requestsTo(slug)).toHaveLength(2);
  });

  it('starts an attempt accepted by another process well before the worker poll interval', async () => {
    const pollMs = 60000;
    await workers.start({ WORKER_POLL_INTERVAL_MS: String(pollMs) });
    const slug = await trigger();
    // The first delivery may meet a worker still settling in; the next ones measure.
    const { executionId: warmUp } = await deliver(api, slug, 'wake-0');
    await waitFor(statusIs(warmUp, 'succeeded'), { what: 'the warm-up execution' });

    for (let i = 1; i <= 3; i++) {
      const sentAt = Date.now();
      const { executionId } = await deliver(api, slug, `wake-${i}`);
      const request = await waitFor(
        () => target.received.find((r) => r.headers['x-triggerline-execution'] === executionId),
        { timeoutMs: pollMs / 2, what: `the attempt of wake-${i}` },
      );
      // Only a wake-up across processes can start it this long before the next poll.
      expect(request.at - sentAt).toBeLessThan(pollMs / 6);
    }
  });

  it('applies migrations once when several processes start together on a fresh database', async () => {
    const fresh = await createTestDatabase();
    const group = new ProcessGroup(() => ({ DATABASE_URL: fresh.url!, ROLE: 'api' }));
    try {
      const started = await Promise.all([group.start(), group.start(), group.start()]);
      for (const app of started) {
        expect((await fetch(`${app.baseUrl}/health/ready`)).status).toBe(200);
      }
      const client = new Client({ connectionString: fresh.url! });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT name FROM typeorm_migrations`);
        const applied = rows.map((row: { name: string }) => row.name).sort();
        expect(applied).toEqual(MIGRATIONS.map((migration) => migration.name).sort());
      } finally {
        await client.end();
      }
    } finally {
      await group.stopAll('SIGKILL');
      await fresh.drop();
    }
  });
});
