import { HttpTarget } from './support/http-target';
import { httpTrigger } from './support/fixtures';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';

describeWithPostgres('database outage', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let target: HttpTarget;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url!);
    proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    url.port = String(proxy.port);
    target = await HttpTarget.start();
    t = await startTestApp({ DATABASE_URL: url.toString(), WORKER_POLL_INTERVAL_MS: '200' });
    await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('steady', { action: { type: 'http', url: `${target.url}/s` } }),
    );
  });
  afterAll(async () => {
    await t.close();
    await proxy.down();
    await target.close();
    await database.drop();
  });

  it('answers 503 unavailable while the database is unreachable, then recovers by itself', async () => {
    await proxy.down();
    const refused = await t.hook('steady', { during: 'outage' }, { 'idempotency-key': 'outage-1' });
    expect(refused.status).toBe(503);
    expect(refused.body).toEqual({ error: 'unavailable', message: expect.any(String) });
    expect((await t.api('GET', '/health/ready')).status).toBe(503);
    expect((await t.api('GET', '/health/live')).status).toBe(200);

    await proxy.up();
    const accepted = await waitFor(
      async () => {
        const response = await t.hook(
          'steady',
          { after: 'outage' },
          { 'idempotency-key': 'outage-1' },
        );
        return response.status === 202 ? response : undefined;
      },
      { what: 'ingestion to recover' },
    );
    // The refused delivery was never stored: the retry with its key is the first.
    expect(accepted.body.status).toBe('accepted');
    await waitFor(
      () => (target.requestsFor(accepted.body.executionId).length === 1 ? true : undefined),
      {
        what: 'the worker to resume',
      },
    );
  });
});
