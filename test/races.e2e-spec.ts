import { HttpTarget } from './support/http-target';
import { httpTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';
import { describeWithPostgres } from './support/test-database';

// Races need sessions that really run side by side: the embedded database has one session,
// so there these tests could only pass. Here the pool holds many connections to a server.
describeWithPostgres('concurrent requests on PostgreSQL', () => {
  let t: TestApp;
  let failing: HttpTarget;

  beforeAll(async () => {
    t = await startTestApp({ WORKER_POLL_INTERVAL_MS: '200' });
    failing = await HttpTarget.start();
    failing.respondInTurn(400);
  });
  afterAll(async () => {
    await failing.close();
    await t.close();
  });

  it('gives exactly one 202 for 50 concurrent deliveries with one key', async () => {
    await t.api('POST', '/api/triggers', httpTrigger('race'));
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.hook('race', { i }, { 'idempotency-key': 'race-1' })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(49);
    const ids = new Set(responses.map((response) => response.body.executionId));
    expect(ids.size).toBe(1);
    const rows = await t.database.query(
      `SELECT count(*)::int AS n FROM executions WHERE idempotency_key = 'race-1'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('gives one 202 per key and its duplicates 200 with their conflict flags, for 70 concurrent deliveries', async () => {
    await t.api('POST', '/api/triggers', httpTrigger('race-many'));
    // Concurrent deliveries may share one INSERT (test/medium/ingest.medium-spec.ts makes them).
    const keys = Array.from({ length: 15 }, (_, i) => `many-${i}`);
    const sends = [0, 1, 2, 3].flatMap((copy) => [
      ...keys.map((key) => ({ key, body: { key, copy: copy === 3 ? 'other' : 'same' } })),
      ...Array.from({ length: 2 }, (_, i) => ({ key: null, body: { copy, i } })),
    ]);
    const responses = await Promise.all(
      sends.map(({ key, body }) =>
        t.hook('race-many', body, key === null ? {} : { 'idempotency-key': key }),
      ),
    );

    for (const key of keys) {
      const mine = sends.flatMap((send, i) =>
        send.key === key ? [{ send, ...responses[i] }] : [],
      );
      const accepted = mine.filter((response) => response.status === 202);
      expect(accepted).toHaveLength(1);
      const [original] = accepted;
      const duplicates = mine.filter((response) => response !== original);
      const conflicts = duplicates.filter(({ send }) => send.body.copy !== original.send.body.copy);
      for (const duplicate of duplicates) {
        expect(duplicate).toMatchObject({
          status: 200,
          body: {
            status: 'duplicate',
            executionId: original.body.executionId,
            conflict: conflicts.includes(duplicate),
          },
        });
      }
      const stored = await t.api('GET', `/api/executions/${original.body.executionId}`);
      expect(stored.body).toMatchObject({
        idempotencyKey: key,
        payload: original.send.body,
        duplicateCount: 3,
        conflictCount: conflicts.length,
      });
    }
    const keyless = responses.filter((_, i) => sends[i].key === null);
    expect(keyless.map((response) => response.status)).toEqual(keyless.map(() => 202));
    expect(new Set(keyless.map((response) => response.body.executionId)).size).toBe(8);
    const rows = await t.database.query(
      `SELECT count(*)::int AS n, count(DISTINCT idempotency_key)::int AS keys FROM executions
       WHERE trigger_id = (SELECT id FROM triggers WHERE slug = 'race-many')`,
    );
    expect(rows[0]).toEqual({ n: keys.length + 8, keys: keys.length });
  });

  it('gives exactly one 202 for 10 concurrent replays of one execution', async () => {
    await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('race-replay', {
        retryPolicy: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 100, jitterMs: 0 },
        action: { type: 'http', url: `${failing.url}/x` },
      }),
    );
    const { body } = await t.hook('race-replay', { n: 1 });
    const executionId = body.executionId as string;
    await waitFor(
      async () => {
        const execution = await t.api('GET', `/api/executions/${executionId}`);
        return execution.body.status === 'dead_lettered' ? true : undefined;
      },
      { what: 'the execution to be dead-lettered' },
    );

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => t.api('POST', `/api/executions/${executionId}/replay`)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(1);
    expect(statuses.every((status) => [202, 409].includes(status))).toBe(true);
    const copies = await t.database.query(
      'SELECT count(*)::int AS n FROM executions WHERE replay_of = $1',
      [executionId],
    );
    expect(copies[0].n).toBe(1);
  });
});
