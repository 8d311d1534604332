import type { Redrive } from '@triggerline/contracts';
import { httpTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

// SPEC §18: redrives from history (`source: "executions"`), into the same or another trigger.
describe('redrives from history', () => {
  let t: TestApp;

  beforeAll(async () => {
    // API only: the replays stay pending, which is all a redrive is about.
    t = await startTestApp({ ROLE: 'api' });
  });
  afterAll(() => t.close());

  const createTrigger = async (slug: string) =>
    (await t.api('POST', '/api/triggers', httpTrigger(slug))).body.id as string;

  /** `count` executions of the trigger in `status`, each with its own payload, in one statement. */
  async function seed(triggerId: string, status: string, count: number): Promise<void> {
    await t.database.query(
      `WITH created AS (
         INSERT INTO executions (trigger_id, status, attempt_count, idempotency_key, finished_at)
         SELECT $1, $2, 1, $2 || '-' || g,
                CASE WHEN $2 IN ('succeeded', 'dead_lettered') THEN now() END
         FROM generate_series(1, $3) AS g
         RETURNING id, idempotency_key)
       INSERT INTO execution_payloads (execution_id, payload, headers)
       SELECT id, jsonb_build_object('key', idempotency_key), '{"x-source":"seed"}'::jsonb
       FROM created`,
      [triggerId, status, count],
    );
  }

  const finished = (id: string, timeoutMs = 30_000) =>
    waitFor(
      async () => {
        const current = (await t.api<Redrive>('GET', `/api/redrives/${id}`)).body;
        return current.status === 'done' ? current : undefined;
      },
      { timeoutMs, intervalMs: 50, what: 'the redrive to finish' },
    );

  it('replays 1,000 succeeded executions once each into another trigger, at its rate', async () => {
    const orders = await createTrigger('orders');
    const restored = await createTrigger('orders-restored');
    await seed(orders, 'succeeded', 1000);
    await seed(orders, 'dead_lettered', 5);
    const startedAt = Date.now();
    const created = await t.api<Redrive>('POST', '/api/redrives', {
      source: 'executions',
      triggerId: orders,
      status: 'succeeded',
      targetTriggerId: restored,
      ratePerSecond: 500,
    });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({
      status: 'running',
      matched: 1000,
      ratePerSecond: 500,
      filter: {
        source: 'executions',
        triggerId: orders,
        status: 'succeeded',
        targetTriggerId: restored,
      },
    });

    const done = await finished(created.body.id);
    // 1,000 at 500 a second: the first batch goes at once, the other 900 take 1.8 s at least.
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1800);
    expect(done).toMatchObject({ matched: 1000, replayed: 1000, skipped: 0 });

    const copies: { replay_of: string; status: string; key: string; payload: unknown }[] =
      await t.database.query(
        `SELECT e.replay_of, e.status, e.idempotency_key AS key, p.payload
         FROM executions e JOIN execution_payloads p ON p.execution_id = e.id
         WHERE e.trigger_id = $1`,
        [restored],
      );
    expect(copies).toHaveLength(1000);
    expect(new Set(copies.map((copy) => copy.replay_of)).size).toBe(1000);
    for (const copy of copies) {
      expect(copy.status).toBe('pending');
      expect(copy.payload).toEqual({ key: copy.key });
      expect(copy.key).toMatch(/^succeeded-/);
    }
    const originals: { status: string; n: number }[] = await t.database.query(
      `SELECT status, count(*)::int AS n FROM executions WHERE trigger_id = $1 GROUP BY status
       ORDER BY status`,
      [orders],
    );
    // The originals are history: left as they were, and nothing new in their trigger.
    expect(originals).toEqual([
      { status: 'dead_lettered', n: 5 },
      { status: 'succeeded', n: 1000 },
    ]);
  }, 60_000);

  it('replays into the same trigger without feeding on its own replays', async () => {
    const own = await createTrigger('own');
    await seed(own, 'succeeded', 20);
    const created = await t.api<Redrive>('POST', '/api/redrives', {
      source: 'executions',
      triggerId: own,
      ratePerSecond: 1000,
    });
    expect(await finished(created.body.id)).toMatchObject({ matched: 20, replayed: 20 });
    const [{ n }] = await t.database.query(
      'SELECT count(*)::int AS n FROM executions WHERE trigger_id = $1',
      [own],
    );
    expect(n).toBe(40);
  });

  it('selects by idempotency key across statuses', async () => {
    const keyed = await createTrigger('keyed');
    await seed(keyed, 'succeeded', 3);
    const created = await t.api<Redrive>('POST', '/api/redrives', {
      source: 'executions',
      idempotencyKey: 'succeeded-2',
      triggerId: keyed,
    });
    expect(created.body.matched).toBe(1);
    expect(await finished(created.body.id)).toMatchObject({ replayed: 1 });
  });

  it('refuses filters that do not go with the source, and an unknown target', async () => {
    const wrong = await t.api('POST', '/api/redrives', {
      source: 'executions',
      errorCategory: 'permanent',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details).toEqual([
      'errorCategory applies to the dead_letters source only, not to executions',
    ]);
    const deadLetters = await t.api('POST', '/api/redrives', { status: 'succeeded' });
    expect(deadLetters.status).toBe(400);
    const unknown = await t.api('POST', '/api/redrives', {
      source: 'executions',
      targetTriggerId: '00000000-0000-4000-8000-000000000000',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/^targetTriggerId/);
  });
});
