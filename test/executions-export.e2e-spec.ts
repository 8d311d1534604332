import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Execution } from '@triggerline/contracts';
import { httpTrigger } from './support/fixtures';
import { ADMIN_TOKEN, startTestApp, type TestApp } from './support/test-app';
import { describeWithPostgres } from './support/test-database';

const NEWLINE = 0x0a;

// A full collection before each sample: heapUsed then counts what is held, not garbage that
// V8 has not yet had a reason to collect.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

function retainedHeap(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Reads a streamed answer chunk by chunk, keeping only counts (and the first lines). */
async function consume(
  response: Response,
): Promise<{ lines: number; bytes: number; head: string }> {
  let lines = 0;
  let bytes = 0;
  let head = '';
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      return { lines, bytes, head };
    }
    bytes += value.byteLength;
    for (const byte of value) {
      if (byte === NEWLINE) {
        lines++;
      }
    }
    if (head.length < 4096) {
      head += Buffer.from(value).toString('utf8', 0, 4096);
    }
  }
}

// SPEC §18: GET /api/executions/export streams NDJSON of executions with their payloads.
describeWithPostgres('executions export', () => {
  let app: TestApp;
  let bulkId: string;
  const ROWS = 100_000;

  beforeAll(async () => {
    // ROLE api: no worker touches the inserted rows while they are exported.
    app = await startTestApp({ ROLE: 'api' });
    bulkId = (await app.api('POST', '/api/triggers', httpTrigger('bulk'))).body.id;
    // One statement: executions a second apart (the newest first), each with a ~1.5 KB payload.
    await app.database.query(
      `WITH created AS (
         INSERT INTO executions (trigger_id, status, attempt_count, idempotency_key, created_at,
                                 updated_at, finished_at)
         SELECT $1, 'succeeded', 1, 'key-' || g, now() - g * interval '1 second',
                now() - g * interval '1 second', now() - g * interval '1 second'
         FROM generate_series(1, $2) AS g
         RETURNING id, idempotency_key)
       INSERT INTO execution_payloads (execution_id, payload, headers)
       SELECT id, jsonb_build_object('key', idempotency_key, 'text', repeat('x', 1500)),
              '{}'::jsonb
       FROM created`,
      [bulkId, ROWS],
    );
    // Statistics as autovacuum would have them after such a load, so that every page's plan is
    // the one a real table gets, whenever autovacuum happens to run.
    await app.database.query(`ANALYZE executions, execution_payloads, duplicate_deliveries`);
  }, 120_000);
  afterAll(async () => {
    await app.close();
  });

  const exportUrl = (query: string) => `${app.baseUrl}/api/executions/export?${query}`;
  const get = (query: string) =>
    fetch(exportUrl(query), { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });

  it('streams every execution with its payload in flat memory', async () => {
    const baseline = retainedHeap();
    let peak = baseline;
    // Every 2 s: each sample is a full collection of the whole test process's heap, which late
    // in a long run is large enough that sampling more often would starve the export itself.
    const sampler = setInterval(() => {
      peak = Math.max(peak, retainedHeap());
    }, 2000);
    try {
      const response = await get(`triggerId=${bulkId}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      const { lines, bytes, head } = await consume(response);
      expect(lines).toBe(ROWS);
      const first = JSON.parse(head.slice(0, head.indexOf('\n'))) as Execution;
      expect(first).toMatchObject({
        triggerId: bulkId,
        status: 'succeeded',
        idempotencyKey: 'key-1', // newest first
        payload: { key: 'key-1', text: 'x'.repeat(1500) },
      });
      // The app serves in this process: what it holds at once is a page, not the export.
      const growth = peak - baseline;
      expect(bytes).toBeGreaterThan(150_000_000);
      expect(growth).toBeLessThan(bytes * 0.25);
    } finally {
      clearInterval(sampler);
    }
  }, 300_000);

  it('applies the filters of the list', async () => {
    const response = await get(
      `triggerId=${bulkId}&status=succeeded&idempotencyKey=key-42&from=2000-01-01T00:00:00Z`,
    );
    const lines = (await response.text()).split('\n').filter((line) => line !== '');
    expect(lines.map((line) => (JSON.parse(line) as Execution).idempotencyKey)).toEqual(['key-42']);
    const none = await get(`triggerId=${bulkId}&status=dead_lettered`);
    expect(none.status).toBe(200);
    expect(await none.text()).toBe('');
    const bad = await get('status=nonsense');
    expect(bad.status).toBe(400);
  });
});
