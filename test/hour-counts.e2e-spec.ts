import { Client } from 'pg';
import { RetentionService } from '../apps/api/src/retention/retention.service';
import { httpTrigger } from './support/fixtures';
import { countersAndRecount, type HourCount, totalsByMeasure } from './support/hour-counts';
import { HttpTarget } from './support/http-target';
import { ProcessGroup, adminCall } from './support/process-group';
import { startTestApp, type TestApp, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

const quick = { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 20, jitterMs: 0 };
const UNSETTLED = `SELECT count(*)::int AS n FROM executions
                   WHERE status IN ('pending', 'running', 'failed_retryable')`;

// /ok answers 200; /flaky 503 to an execution's first request, then 200; /bad 400 (dead letters).
function startTarget(): Promise<HttpTarget> {
  return HttpTarget.start().then((target) => {
    target.respond((request, response) => {
      const execution = request.headers['x-triggerline-execution'] as string;
      const isFirst = target.requestsFor(execution).length === 1;
      const status =
        request.path === '/bad' ? 400 : request.path === '/flaky' && isFirst ? 503 : 200;
      response.writeHead(status).end(`status ${status}`);
    });
    return target;
  });
}

const triggers = (target: HttpTarget) =>
  ['ok', 'flaky', 'bad'].map((slug) =>
    httpTrigger(slug, {
      retryPolicy: quick,
      action: { type: 'http', url: `${target.url}/${slug}` },
    }),
  );

// Every status, duplicates, conflicts and retries: what the counters count, non-zero.
function expectEveryMeasure(recount: HourCount[]): void {
  const totals = totalsByMeasure(recount);
  for (const measure of [
    'succeeded',
    'dead_lettered',
    'replayed',
    'duplicate',
    'conflict',
    'retry',
  ]) {
    expect({ measure, isCounted: (totals[measure] ?? 0) > 0 }).toEqual({
      measure,
      isCounted: true,
    });
  }
}

describe('trigger_hour_counts: counters equal to a recount', () => {
  let t: TestApp;
  let target: HttpTarget;

  beforeAll(async () => {
    target = await startTarget();
    t = await startTestApp({ REPLAY_COOLDOWN_MS: '0' });
  });
  afterAll(async () => {
    await t.close();
    await target.close();
  });

  const expectCountersEqualRecount = async () => {
    const { counters, recount } = await countersAndRecount((sql) => t.database.query(sql));
    expect(counters).toEqual(recount);
    return recount;
  };
  const settled = () =>
    waitFor(async () => ((await t.database.query(UNSETTLED))[0].n === 0 ? true : undefined), {
      what: 'every execution to settle',
    });
  const send = (slug: string, key: string, body: unknown = { key }) =>
    t.hook(slug, body, { 'idempotency-key': key });

  it('after deliveries, duplicates, retries, dead letters, replays, erasure, retention and a deleted trigger', async () => {
    const [ok, flaky, bad] = await Promise.all(
      triggers(target).map(async (body) => (await t.api('POST', '/api/triggers', body)).body),
    );
    const deliveries = ['ok', 'flaky', 'bad'].flatMap((slug) =>
      Array.from({ length: 15 }, (_, i) => send(slug, `${slug}-${i}`)),
    );
    expect((await Promise.all(deliveries)).map((r) => r.status)).toEqual(
      Array<number>(45).fill(202),
    );
    // Duplicates, some with another body (key conflicts), at once.
    const repeated = await Promise.all([
      ...Array.from({ length: 5 }, (_, i) => send('ok', `ok-${i}`)),
      ...Array.from({ length: 3 }, (_, i) => send('flaky', `flaky-${i}`, { other: i })),
    ]);
    expect(repeated.map((r) => r.status)).toEqual(Array<number>(8).fill(200));
    await settled();
    await expectCountersEqualRecount();

    // Replays: of dead letters (both routes) and of a succeeded execution's event.
    const deadLetters = (await t.api('GET', '/api/dead-letters?unresolved=true&limit=10')).body
      .items as { id: string; executionId: string }[];
    expect(deadLetters.length).toBeGreaterThanOrEqual(4);
    expect((await t.api('POST', `/api/dead-letters/${deadLetters[0].id}/replay`)).status).toBe(202);
    expect(
      (await t.api('POST', `/api/executions/${deadLetters[1].executionId}/replay`)).status,
    ).toBe(202);
    expect(
      (await t.api('POST', '/api/dead-letters/replay', { ids: [deadLetters[2].id] })).status,
    ).toBe(200);
    await settled();
    await expectCountersEqualRecount();

    // Erasure by key, and by trigger and time.
    expect((await t.api('POST', '/api/executions/erase', { idempotencyKey: 'ok-0' })).body).toEqual(
      {
        matched: 1,
        erased: 1,
      },
    );
    const erased = await t.api('POST', '/api/executions/erase', {
      triggerId: ok.id,
      to: new Date(Date.now() + 60_000).toISOString(),
      idempotencyKey: 'ok-1',
    });
    expect(erased.body.erased).toBe(1);
    await expectCountersEqualRecount();

    // Retention: finished rows moved 31 days back (their counts move with them), then deleted;
    // one resolved dead letter goes with them, the unresolved ones stay.
    expect(
      (
        await t.api('POST', `/api/dead-letters/${deadLetters[3].id}/resolve`, {
          resolution: 'ignored',
        })
      ).status,
    ).toBe(200);
    const old = await t.database.query<{ id: string }>(
      `SELECT id FROM executions
       WHERE (trigger_id = $1 AND status = 'succeeded') OR id = $2 OR trigger_id = $3`,
      [flaky.id, deadLetters[3].executionId, bad.id],
    );
    await t.database.query(
      `UPDATE executions SET created_at = created_at - interval '31 days',
                             finished_at = finished_at - interval '31 days'
       WHERE id = ANY($1)`,
      [old.map((row) => row.id)],
    );
    await t.database.query(
      `UPDATE attempts SET started_at = started_at - interval '31 days' WHERE execution_id = ANY($1)`,
      [old.map((row) => row.id)],
    );
    await t.database.query(
      `UPDATE duplicate_deliveries SET received_at = received_at - interval '31 days'
       WHERE trigger_id = $1`,
      [flaky.id],
    );
    const beforeRetention = await expectCountersEqualRecount();
    expectEveryMeasure(beforeRetention);
    // What GET /api/stats answers is what is stored, as the recount says.
    const totals = totalsByMeasure(beforeRetention);
    const stats = (await t.api('GET', '/api/stats?days=90')).body;
    expect(stats).toMatchObject({
      total: ['succeeded', 'dead_lettered', 'replayed'].reduce((n, s) => n + (totals[s] ?? 0), 0),
      byStatus: { succeeded: totals.succeeded, dead_lettered: totals.dead_lettered },
      idempotentReplays: totals.duplicate,
      idempotencyConflicts: totals.conflict,
      retriesObserved: totals.retry,
    });

    const purged = await t.app.get(RetentionService).purge();
    expect(purged.executions).toBeGreaterThan(15);
    const afterRetention = await expectCountersEqualRecount();
    expect(totalsByMeasure(afterRetention).succeeded).toBeLessThan(totals.succeeded);
    // Retention also folds the shards of past hours into one row each.
    const [shards] = await t.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM trigger_hour_counts
       WHERE hour < now() - interval '2 hours' AND (shard <> 0 OR n = 0)`,
    );
    expect(shards.n).toBe(0);

    // A deleted trigger takes its counts with it.
    expect((await t.api('DELETE', `/api/triggers/${bad.id}?force=true`)).status).toBe(204);
    const afterDeletion = await expectCountersEqualRecount();
    expect(afterDeletion.some((count) => count.trigger_id === bad.id)).toBe(false);

    // A TRUNCATE empties what it counted.
    await t.database.query(`TRUNCATE attempts`);
    expect(totalsByMeasure(await expectCountersEqualRecount()).retry).toBeUndefined();
    await t.database.query(`TRUNCATE executions CASCADE`);
    expect(await expectCountersEqualRecount()).toEqual([]);
  });
});

describeWithPostgres('trigger_hour_counts with two worker processes writing at once', () => {
  let database: TestDatabase;
  let db: Client;
  let target: HttpTarget;
  const processes = new ProcessGroup(() => ({ DATABASE_URL: database.url! }));

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url! });
    await db.connect();
    target = await startTarget();
  });
  afterAll(async () => {
    await processes.stopAll();
    await target.close();
    await db.end();
    await database.drop();
  });

  it('counts exactly what an api process and two worker processes wrote together', async () => {
    const api = await processes.start({ ROLE: 'api', REPLAY_COOLDOWN_MS: '0' });
    const workers = await Promise.all([
      processes.start({ ROLE: 'worker', WORKER_CONCURRENCY: '20' }),
      processes.start({ ROLE: 'worker', WORKER_CONCURRENCY: '20' }),
    ]);
    for (const body of triggers(target)) {
      expect((await adminCall(api, 'POST', '/api/triggers', body)).status).toBe(201);
    }
    const hook = (slug: string, key: string, body: unknown) =>
      fetch(`${api.baseUrl}/hooks/${slug}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      }).then((response) => response.status);
    // 600 deliveries, 1 in 6 repeating a key (half of those with another body), 20 at a time,
    // while both workers complete, retry and dead-letter the earlier ones.
    const statuses: number[] = [];
    for (let round = 0; round < 30; round++) {
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, (_, i) => {
            const n = round * 20 + i;
            const slug = ['ok', 'flaky', 'bad'][n % 3];
            const key = n % 6 === 5 ? `${slug}-${n - 3}` : `${slug}-${n}`;
            return hook(slug, key, n % 12 === 11 ? { conflict: n } : { key });
          }),
        )),
      );
    }
    expect(statuses.filter((status) => status === 202)).toHaveLength(500);
    expect(statuses.filter((status) => status === 200)).toHaveLength(100);
    const waitSettled = () =>
      waitFor(async () => ((await db.query(UNSETTLED)).rows[0].n === 0 ? true : undefined), {
        timeoutMs: 60_000,
        what: 'every execution to settle',
      });
    await waitSettled();
    const replays = await adminCall(api, 'POST', '/api/dead-letters/replay', {
      triggerId: (await db.query(`SELECT id FROM triggers WHERE slug = 'bad'`)).rows[0].id,
    });
    expect(replays.status).toBe(200);
    await waitSettled();

    const { rows: attemptsByWorker } = await db.query(
      `SELECT count(DISTINCT worker_id)::int AS n FROM attempts`,
    );
    expect(attemptsByWorker[0].n).toBe(workers.length);
    const { counters, recount } = await countersAndRecount(
      async (sql) => (await db.query(sql)).rows as HourCount[],
    );
    expect(counters).toEqual(recount);
    expectEveryMeasure(recount);
    // Several connections wrote the same trigger and hour, each to its own row.
    const { rows: shards } = await db.query(
      `SELECT count(DISTINCT shard)::int AS n FROM trigger_hour_counts`,
    );
    expect(shards[0].n).toBeGreaterThan(1);
  }, 180_000);
});
