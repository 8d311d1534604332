import { Client } from 'pg';
import { type SpawnedApp, spawnApp } from './support/spawned-app';
import { ADMIN_TOKEN, waitFor } from './support/test-app';
import {
  createTestDatabase,
  describeWithPostgres,
  type TestDatabase,
} from './support/test-database';
import { WhatsappGateway } from './support/whatsapp-gateways';

const EXECUTIONS = 20;

// SPEC §15: with several worker processes, each unknown outcome is asked about once and settled
// once, and nothing is sent twice.
describeWithPostgres('Reconciliation across worker processes on PostgreSQL', () => {
  let database: TestDatabase;
  let db: Client;
  let gateway: WhatsappGateway;
  const apps: SpawnedApp[] = [];

  const start = async (env: Record<string, string>) => {
    const app = await spawnApp({
      DATABASE_URL: database.url!,
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      WORKER_POLL_INTERVAL_MS: '50',
      ...env,
    });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    db = new Client({ connectionString: database.url! });
    await db.connect();
    gateway = await WhatsappGateway.start('evolution-go', 'evolution-key');
  });
  afterAll(async () => {
    await Promise.all(apps.splice(0).map((app) => app.stop('SIGKILL')));
    await gateway.close();
    await db.end();
    await database.drop();
  });

  it('asks about each stalled send once, from either of two workers, and sends none again', async () => {
    const api = await start({ ROLE: 'api' });
    await Promise.all([start({ ROLE: 'worker' }), start({ ROLE: 'worker' })]);
    const created = await fetch(`${api.baseUrl}/api/triggers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'stalls',
        slug: 'stalls',
        action: {
          type: 'whatsapp',
          baseUrl: gateway.baseUrl,
          apiKey: 'evolution-key',
          toPath: 'phone',
          textTemplate: 'Hi',
          timeoutMs: 300,
          reconcileAfterMs: 200,
        },
      }),
    });
    expect(created.status).toBe(201);
    // Every send is delivered and never answered.
    gateway.mode = 'stall';
    const ids: string[] = [];
    for (let i = 0; i < EXECUTIONS; i++) {
      const response = await fetch(`${api.baseUrl}/hooks/stalls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': `order-${i}` },
        body: JSON.stringify({ phone: `5511${i}` }),
      });
      expect(response.status).toBe(202);
      ids.push(((await response.json()) as { executionId: string }).executionId);
    }
    await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM executions WHERE status = 'succeeded'`,
        );
        return rows[0].n === EXECUTIONS ? true : undefined;
      },
      { what: `${EXECUTIONS} executions reconciled`, timeoutMs: 60_000 },
    );
    for (const id of ids) {
      const requests = gateway.requestsFor(id);
      expect(requests.filter((request) => request.path === '/send/text')).toHaveLength(1);
      expect(requests.filter((request) => request.path === '/message/status')).toHaveLength(1);
    }
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM attempts WHERE reconciliation->>'result' = 'sent'`,
    );
    expect(rows[0].n).toBe(EXECUTIONS);
  });
});
