import { HttpTarget } from './support/http-target';
import { httpTrigger } from './support/fixtures';
import { Client } from 'pg';
import { type SpawnedApp, spawnApp } from './support/spawned-app';
import { ADMIN_TOKEN, httpClient, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

// Two OS processes on one database evaluate alerts; each alert is raised and POSTed once.
describeWithPostgres('alerts with two processes', () => {
  let database: TestDatabase;
  let receiver: HttpTarget;
  let downstream: HttpTarget;
  let db: Client;
  let processes: SpawnedApp[];
  let first: ReturnType<typeof httpClient>;
  let second: ReturnType<typeof httpClient>;
  const delivered: { code: string }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    receiver = await HttpTarget.start();
    downstream = await HttpTarget.start();
    downstream.respondInTurn(400);
    // The first POST of an alert fails: it must be retried, and still arrive only once.
    let calls = 0;
    receiver.respond((request, response) => {
      const status = calls++ === 0 ? 500 : 204;
      if (status === 204) {
        delivered.push(JSON.parse(request.body));
      }
      response.writeHead(status).end();
    });
    const env = {
      DATABASE_URL: database.url!,
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      ALERT_WEBHOOK_URL: `${receiver.url}/alerts`,
      ALERT_INTERVAL_MS: '100',
      DLQ_ALERT_THRESHOLD: '1',
    };
    // One after the other: `npm start` may first build what is stale.
    processes = [await spawnApp(env), await spawnApp(env)];
    [first, second] = processes.map((app) => httpClient(app.baseUrl));
    db = new Client({ connectionString: database.url! });
    await db.connect();
  });
  afterAll(async () => {
    await Promise.all(processes.map((app) => app.stop()));
    await db.end();
    await receiver.close();
    await downstream.close();
    await database.drop();
  });

  const query = async (sql: string) => (await db.query(sql)).rows;
  const alertsDelivered = (code: string) => delivered.filter((alert) => alert.code === code);

  it('raises dlq_growing and watermark_hit once each, POSTs each once despite a failure, and clears them', async () => {
    await first.api(
      'POST',
      '/api/triggers',
      httpTrigger('noisy', {
        dailyWatermark: 3,
        retryPolicy: { maxAttempts: 1 },
        action: { type: 'http', url: `${downstream.url}/x` },
      }),
    );
    await first.hook('noisy', { n: 1 });
    await second.hook('noisy', { n: 2 });
    const [dlq] = await waitFor(
      () =>
        alertsDelivered('dlq_growing').length > 0 ? alertsDelivered('dlq_growing') : undefined,
      { what: 'the dlq_growing POST' },
    );
    expect(dlq).toEqual({
      code: 'dlq_growing',
      dlqSize: 2,
      threshold: 1,
      startedAt: expect.any(String),
    });

    // A second alert later: by the time its POST arrives, both processes evaluated many times.
    await first.hook('noisy', { n: 3 });
    await second.hook('noisy', { n: 4 });
    await waitFor(() => (alertsDelivered('watermark_hit').length > 0 ? true : undefined), {
      what: 'the watermark_hit POST',
    });
    expect(alertsDelivered('dlq_growing')).toHaveLength(1);
    expect(alertsDelivered('watermark_hit')).toHaveLength(1);
    // The one failed try (500) was retried; nothing else was sent.
    expect(receiver.received).toHaveLength(3);
    // The sender marks an alert notified right after its POST was answered.
    const rows = await waitFor(
      async () => {
        const alerts = await query('SELECT key, notified_at FROM alerts ORDER BY key');
        return alerts.every((row) => row.notified_at !== null) ? alerts : undefined;
      },
      { what: 'both alerts marked notified' },
    );
    expect(rows.map((row) => row.key)).toEqual([
      'dlq_growing',
      expect.stringMatching(/^watermark_hit:/),
    ]);

    const stats = await second.api('GET', '/api/stats');
    expect(stats.body.alerts.map((alert: { code: string }) => alert.code).sort()).toEqual([
      'dlq_growing',
      'watermark_hit',
    ]);

    // Replaying the dead letters, once the downstream recovered, resolves them: the alert clears.
    await waitFor(
      async () => {
        const [{ n }] = await query(
          'SELECT count(*)::int AS n FROM dead_letters WHERE resolved_at IS NULL',
        );
        return n === 4 ? true : undefined;
      },
      { what: 'all four dead letters' },
    );
    downstream.respondInTurn(200);
    const replay = await first.api('POST', '/api/dead-letters/replay', {});
    expect(replay.body).toEqual({ matched: 4, replayed: 4, skipped: 0 });
    await waitFor(
      async () => {
        const remaining = await query(`SELECT key FROM alerts WHERE code = 'dlq_growing'`);
        return remaining.length === 0 ? true : undefined;
      },
      { what: 'dlq_growing to clear' },
    );
    // Many evaluation rounds of both processes later, still one POST per alert.
    expect(alertsDelivered('dlq_growing')).toHaveLength(1);
    expect(alertsDelivered('watermark_hit')).toHaveLength(1);
  });
});
