import { ADMIN_TOKEN, waitFor } from '../../support/test-app';
import { spawnApp, type SpawnedApp } from '../../support/spawned-app';
import { createTestDatabase, type TestDatabase } from '../../support/test-database';

/** A Triggerline process (`npm start`) on a database of its own, seen through its HTTP API. */
export interface ConsoleApp {
  baseUrl: string;
  api<T>(method: string, path: string, body?: unknown): Promise<T>;
  deliver(slug: string, payload: unknown): Promise<{ executionId: string }>;
  waitForApi<T>(path: string, isDone: (answer: T) => boolean, what: string): Promise<T>;
  /** What the process printed, to explain a failure. */
  output(): string;
  stop(): Promise<void>;
}

export async function startConsoleApp(env: Record<string, string> = {}): Promise<ConsoleApp> {
  const database: TestDatabase = await createTestDatabase();
  let app: SpawnedApp;
  try {
    app = await spawnApp({
      ...database.env,
      ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      WORKER_POLL_INTERVAL_MS: '100',
      ...env,
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${app.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    }
    return (await response.json()) as T;
  };
  return {
    baseUrl: app.baseUrl,
    api,
    deliver: async (slug, payload) => {
      const response = await fetch(`${app.baseUrl}/hooks/${slug}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      });
      if (response.status !== 202) {
        throw new Error(`POST /hooks/${slug} answered ${response.status}`);
      }
      return (await response.json()) as { executionId: string };
    },
    waitForApi: <T>(path: string, isDone: (answer: T) => boolean, what: string) =>
      waitFor(
        async () => {
          const answer = await api<T>('GET', path);
          return isDone(answer) ? answer : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 100, what },
      ),
    output: () => app.output(),
    stop: async () => {
      await app.stop();
      await database.drop();
    },
  };
}
