import { HttpTarget } from './support/http-target';
import { httpTrigger, whatsappTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

const quick = { maxAttempts: 2, baseDelayMs: 50, maxDelayMs: 50, jitterMs: 0 };

describe('GET /api/stats', () => {
  let t: TestApp;
  let target: HttpTarget;

  beforeAll(async () => {
    t = await startTestApp({ DLQ_ALERT_THRESHOLD: '0' });
    target = await HttpTarget.start();
  });
  afterAll(async () => {
    await target.close();
    await t.close();
  });

  async function allSettled() {
    await waitFor(
      async () => {
        const rows = await t.database.query(
          `SELECT count(*)::int AS n FROM executions WHERE status NOT IN ('succeeded', 'dead_lettered')`,
        );
        return rows[0].n === 0 ? true : undefined;
      },
      { what: 'every execution to settle' },
    );
  }

  it('counts a known scenario: totals, statuses, action types, duplicates, retries, watermarks, alerts', async () => {
    // http: 503 then 200 for the first delivery (one retry), 200 for the next, 400 for the last.
    target.respondInTurn(503, 200, 200, 400);
    const orders = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('orders', {
        retryPolicy: quick,
        action: { type: 'http', url: `${target.url}/o` },
      }),
    );
    const whatsapp = await t.api(
      'POST',
      '/api/triggers',
      whatsappTrigger('wa', target.url, { dailyWatermark: 2, retryPolicy: quick }),
    );
    await t.hook('orders', { messageId: 'm-1' });
    await t.hook('orders', { messageId: 'm-1' }); // duplicate
    await allSettled();
    await t.hook('orders', { messageId: 'm-2' });
    await allSettled();
    await t.hook('orders', { messageId: 'm-3' }); // 400: dead letter
    await allSettled();
    for (let i = 0; i < 3; i++) {
      await t.hook('wa', { name: 'x', order: { id: i } }); // no phone: dead letters, permanent
    }
    await allSettled();

    const stats = await t.api('GET', '/api/stats');
    expect(stats.status).toBe(200);
    expect(stats.body).toEqual({
      windowDays: 1,
      since: expect.any(String),
      total: 6,
      byStatus: {
        pending: 0,
        running: 0,
        failed_retryable: 0,
        succeeded: 2,
        outcome_unknown: 0,
        dead_lettered: 4,
        replayed: 0,
      },
      byActionType: { http: 3, whatsapp: 3 },
      dlqSize: 4,
      idempotentReplays: 1,
      idempotencyConflicts: 0,
      retriesObserved: 1,
      triggers: [
        {
          id: orders.body.id,
          slug: 'orders',
          executions24h: 3,
          dailyWatermark: null,
          watermarkHit: false,
          backlog: 0,
          paused: false,
          circuitState: 'closed',
        },
        {
          id: whatsapp.body.id,
          slug: 'wa',
          executions24h: 3,
          dailyWatermark: 2,
          watermarkHit: true,
          backlog: 0,
          paused: false,
          circuitState: 'closed',
        },
      ],
      watermarkHit: true,
      alerts: [
        { code: 'watermark_hit', triggerId: whatsapp.body.id, count: 3, threshold: 2 },
        { code: 'dlq_growing', dlqSize: 4, threshold: 0 },
      ],
      series: expect.any(Array),
      rejected: {},
      filtered: 0,
      flowGroups: [],
    });
    // Hourly buckets from `since`; everything of this scenario is in the last one.
    const series = stats.body.series as { start: string; total: number; deadLettered: number }[];
    expect(series).toHaveLength(24);
    expect(series[0].start).toBe(stats.body.since);
    expect(Date.parse(series[1].start) - Date.parse(series[0].start)).toBe(3_600_000);
    expect(series.at(-1)).toMatchObject({ total: 6, deadLettered: 4 });
    expect(series.slice(0, -1).every((bucket) => bucket.total === 0)).toBe(true);
    expect(Date.now() - Date.parse(stats.body.since)).toBeGreaterThanOrEqual(86_400_000 - 60_000);

    const week = await t.api('GET', '/api/stats?days=7');
    expect(week.body.windowDays).toBe(7);
    expect(week.body.total).toBe(6);
    expect(week.body.series).toHaveLength(7);
    expect(week.body.series.at(-1)).toMatchObject({ total: 6, deadLettered: 4 });
  });

  it.each(['0', '91', 'abc', '1.5'])('answers 400 for days=%s', async (days) => {
    const response = await t.api('GET', `/api/stats?days=${days}`);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('validation_failed');
  });
});
