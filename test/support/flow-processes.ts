import { Client } from 'pg';
import { HttpTarget } from './http-target';
import { httpTrigger } from './fixtures';
import { type SpawnedApp, spawnApp } from './spawned-app';
import { ADMIN_TOKEN, httpClient, waitFor } from './test-app';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface ExecutionRow {
  id: string;
  status: string;
  attempt_count: number;
  held_by: string | null;
}

/**
 * Flow control as in production, for a `describeWithPostgres` block: one API process and two
 * worker processes on one PostgreSQL database, a local HTTP target whose arrivals tests measure,
 * and a sink for the alerts (checked every 200 ms). `apps` is [api, worker, worker].
 */
export function useFlowProcesses() {
  let database: TestDatabase;
  const context = {
    db: undefined as unknown as Client,
    target: undefined as unknown as HttpTarget,
    alertSink: undefined as unknown as HttpTarget,
    api: undefined as unknown as ReturnType<typeof httpClient>,
    apps: [] as SpawnedApp[],
    createTrigger: async (slug: string, overrides: Record<string, unknown>) => {
      const created = await context.api.api(
        'POST',
        '/api/triggers',
        httpTrigger(slug, {
          action: { type: 'http', url: `${context.target.url}/${slug}` },
          ...overrides,
        }),
      );
      expect(created.status).toBe(201);
      return created.body as { id: string; slug: string };
    },
    deliver: async (slug: string, count: number, prefix = slug) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        const response = await context.api.hook(
          slug,
          { n: i },
          { 'idempotency-key': `${prefix}-${i}` },
        );
        expect(response.status).toBe(202);
        ids.push((response.body as { executionId: string }).executionId);
      }
      return ids;
    },
    /** The executions of these triggers, oldest first. */
    executionsOf: async (...slugs: string[]) =>
      (
        await context.db.query(
          `SELECT e.id, e.status, e.attempt_count, e.held_by FROM executions e
           JOIN triggers t ON t.id = e.trigger_id WHERE t.slug = ANY($1) ORDER BY e.created_at`,
          [slugs],
        )
      ).rows as ExecutionRow[],
    /** A `waitFor` condition: exactly `count` executions of these triggers, all succeeded. */
    allSucceeded:
      (slugs: string | string[], count: number) =>
      async (): Promise<ExecutionRow[] | undefined> => {
        const rows = await context.executionsOf(...[slugs].flat());
        return rows.length === count && rows.every((row) => row.status === 'succeeded')
          ? rows
          : undefined;
      },
    /** Waits until an alert matching `isWanted` was POSTed; answers every one that matches. */
    postedAlerts: async (isWanted: (alert: Record<string, unknown>) => boolean, what: string) => {
      const matching = () =>
        context.alertSink.received
          .map((r) => JSON.parse(r.body) as Record<string, unknown>)
          .filter(isWanted);
      await waitFor(() => (matching().length > 0 ? true : undefined), { what });
      return matching();
    },
    /** What the target received for these triggers, in order. */
    arrivals: (...slugs: string[]) =>
      context.target.received.filter((r) => slugs.some((slug) => r.path === `/${slug}`)),
  };
  const start = async (env: Record<string, string>) => {
    const app = await spawnApp({
      DATABASE_URL: database.url!,
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      ALERT_WEBHOOK_URL: `${context.alertSink.url}/alerts`,
      ALERT_INTERVAL_MS: '200',
      ...env,
    });
    context.apps.push(app);
    return app;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    context.db = new Client({ connectionString: database.url! });
    await context.db.connect();
    context.target = await HttpTarget.start();
    context.alertSink = await HttpTarget.start();
    const apiApp = await start({ ROLE: 'api', LOG_LEVEL: 'info' });
    context.api = httpClient(apiApp.baseUrl);
    await start({ ROLE: 'worker' });
    await start({ ROLE: 'worker' });
  }, 240_000);
  afterAll(async () => {
    await Promise.all(context.apps.splice(0).map((app) => app.stop('SIGKILL')));
    await context.target.close();
    await context.alertSink.close();
    await context.db.end();
    await database.drop();
  });
  return context;
}
