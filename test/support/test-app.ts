import { setTimeout as delay } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from '../../apps/api/src/app';
import { loadConfig } from '../../apps/api/src/config/config.module';
import { NO_EGRESS_SETTINGS } from './egress-env';
import { createTestDatabase, type TestDatabase } from './test-database';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  database: TestDatabase & { query<T = any>(sql: string, params?: unknown[]): Promise<T[]> };
  /** Admin API call with the bearer token; the body is sent as JSON. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<Response<T>>;
  /** Webhook delivery; the body is sent as given (JSON-encoded unless a string). */
  hook<T = any>(
    slug: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<Response<T>>;
  close(): Promise<void>;
}

export interface Response<T> {
  status: number;
  headers: Headers;
  body: T;
}

async function send<T>(url: string, init: RequestInit): Promise<Response<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: body as T };
}

/** The admin API and webhook calls of a Triggerline instance at `baseUrl`. */
export function httpClient(baseUrl: string): Pick<TestApp, 'api' | 'hook'> {
  return {
    api: (method, path, body) =>
      send(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    hook: (slug, body, headers = {}) =>
      send(`${baseUrl}/hooks/${slug}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
  };
}

/**
 * Boots the real app on a fresh database (or on `options.database`, shared with another app,
 * which then owns dropping it), listening on a free loopback port.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { database?: TestDatabase } = {},
): Promise<TestApp> {
  const isShared = options.database !== undefined;
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({
    NODE_ENV: 'test',
    ADMIN_TOKEN,
    LOG_LEVEL: 'silent',
    PORT: '0',
    ...NO_EGRESS_SETTINGS,
    ...database.env,
    ...env,
  });
  const app = await createApp(config);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const dataSource = app.get(DataSource);
  return {
    app,
    baseUrl,
    database: { ...database, query: (sql, params) => dataSource.query(sql, params) },
    ...httpClient(baseUrl),
    close: async () => {
      await app.close();
      if (!isShared) {
        await database.drop();
      }
    },
  };
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 15000, intervalMs = 25, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await delay(intervalMs);
  }
}
