import { Client } from 'pg';
import { HttpTarget } from './support/http-target';
import { httpTrigger } from './support/fixtures';
import { describeWithPgBouncer, PgBouncer } from './support/pgbouncer';
import { adminCall, deliver, ProcessGroup } from './support/process-group';
import { waitFor } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const EXECUTIONS = 1000;
const IN_FLIGHT = 25;

// Scale-out as docs/scaling.md describes it: every process's pool goes through
// PgBouncer in transaction mode (1.18: no prepared statements there), while LISTEN and the
// migrations' session lock connect directly.
describeWithPgBouncer('api and worker processes behind PgBouncer (transaction pooling)', () => {
  let database: TestDatabase;
  let bouncer: PgBouncer;
  let db: Client;
  let target: HttpTarget;
  const processes = new ProcessGroup(() => ({
    DATABASE_URL: bouncer.urlFor(database.url!),
    DATABASE_DIRECT_URL: database.url!,
    DATABASE_PREPARED_STATEMENTS: 'false',
  }));

  beforeAll(async () => {
    database = await createTestDatabase();
    // Fewer server connections than the four processes' pools hold together, as in production.
    bouncer = await PgBouncer.start({ serverUrl: database.url!, poolSize: 16 });
    db = new Client({ connectionString: database.url! });
    await db.connect();
    target = await HttpTarget.start();
  });
  afterAll(async () => {
    await processes.stopAll('SIGKILL');
    await target?.close();
    await db?.end();
    await bouncer?.stop();
    await database?.drop();
  });

  it(`delivers ${EXECUTIONS} executions accepted by two api processes, with two workers, each exactly once`, async () => {
    // The first process applies the migrations (over the direct connection); the others
    // start together.
    const firstApi = await processes.start({ ROLE: 'api' });
    // Workers poll once a minute only: wake-ups (NOTIFY through PgBouncer, LISTEN direct)
    // drive them.
    const worker = { ROLE: 'worker', WORKER_POLL_INTERVAL_MS: '60000' };
    const [secondApi] = await Promise.all([
      processes.start({ ROLE: 'api' }),
      processes.start(worker),
      processes.start(worker),
    ]);
    const apis = [firstApi, secondApi];
    const created = await adminCall(
      firstApi,
      'POST',
      '/api/triggers',
      httpTrigger('pooled', { action: { type: 'http', url: `${target.url}/pooled` } }),
    );
    expect(created.status).toBe(201);

    const statuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < EXECUTIONS) {
          const i = next++;
          statuses.push((await deliver(apis[i % 2], 'pooled', `pooled-${i}`)).status);
        }
      }),
    );
    expect(statuses.filter((status) => status === 202)).toHaveLength(EXECUTIONS);

    await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM executions WHERE status = 'succeeded'`,
        );
        return rows[0].n === EXECUTIONS ? true : undefined;
      },
      { timeoutMs: 240000, intervalMs: 250, what: `${EXECUTIONS} executions to succeed` },
    );

    const perExecution = new Map<string, number>();
    for (const request of target.received) {
      const id = request.headers['x-triggerline-execution'] as string;
      perExecution.set(id, (perExecution.get(id) ?? 0) + 1);
    }
    expect(perExecution.size).toBe(EXECUTIONS);
    expect([...perExecution.values()].every((count) => count === 1)).toBe(true);
    expect(target.received).toHaveLength(EXECUTIONS);
    const { rows } = await db.query(
      `SELECT count(*)::int AS attempts, max(number)::int AS max_attempt,
              count(DISTINCT worker_id)::int AS workers
       FROM attempts`,
    );
    expect(rows[0]).toEqual({ attempts: EXECUTIONS, max_attempt: 1, workers: 2 });
    // An idle worker starts a new delivery long before its next poll.
    const sentAt = Date.now();
    const { executionId } = await deliver(secondApi, 'pooled', 'after-the-bulk');
    const request = await waitFor(
      () => target.received.find((r) => r.headers['x-triggerline-execution'] === executionId),
      { timeoutMs: 30000, what: 'the attempt of a delivery to idle workers' },
    );
    expect(request.at - sentAt).toBeLessThan(10000);

    const { rows: migrations } = await db.query(
      `SELECT name, count(*)::int AS times FROM typeorm_migrations GROUP BY name HAVING count(*) > 1`,
    );
    expect(migrations).toEqual([]);
    // Nothing went wrong on the way, in the service or in PgBouncer.
    expect(processes.outputs().join('\n')).not.toMatch(/"level":(50|60)/);
    expect(bouncer.log()).not.toMatch(/ERROR|FATAL|WARNING/);
  }, 300000);
});
