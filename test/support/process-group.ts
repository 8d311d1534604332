import { type SpawnedApp, spawnApp } from './spawned-app';
import { ADMIN_TOKEN } from './test-app';

/** Triggerline OS processes started as an operator would, stopped together after each test. */
export class ProcessGroup {
  private readonly apps: SpawnedApp[] = [];

  constructor(private readonly baseEnv: () => Record<string, string>) {}

  async start(env: Record<string, string> = {}): Promise<SpawnedApp> {
    const app = await spawnApp({ ADMIN_TOKEN, LOG_LEVEL: 'warn', ...this.baseEnv(), ...env });
    this.apps.push(app);
    return app;
  }

  /** What each process running now has written to stdout and stderr. */
  outputs(): string[] {
    return this.apps.map((app) => app.output());
  }

  async stopAll(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await Promise.all(this.apps.splice(0).map((app) => app.stop(signal)));
  }
}

/** An admin API call with the bearer token; answers the status and the parsed JSON body. */
export async function adminCall<T = any>(
  app: SpawnedApp,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
}

/** A JSON webhook delivery with an idempotency key. */
export async function deliver(
  app: SpawnedApp,
  slug: string,
  key: string,
): Promise<{ status: number; executionId: string }> {
  const response = await fetch(`${app.baseUrl}/hooks/${slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify({ key }),
  });
  const body = (await response.json()) as { executionId: string };
  return { status: response.status, executionId: body.executionId };
}
