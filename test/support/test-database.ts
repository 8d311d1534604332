import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** A database of its own for one test file: on TEST_DATABASE_URL's server, else embedded. */
export interface TestDatabase {
  /** Environment that points the app at this database. */
  env: Record<string, string | undefined>;
  /** Connection string of a real server; null when embedded. */
  url: string | null;
  drop(): Promise<void>;
}

export const serverUrl = process.env.TEST_DATABASE_URL || undefined;
export const isPostgresRequired = process.env.TEST_REQUIRE_POSTGRES === '1';

/** `describe` for tests that need a PostgreSQL server (several processes on one database). */
export function describeWithPostgres(name: string, body: () => void): void {
  if (serverUrl === undefined && isPostgresRequired) {
    throw new Error(`"${name}" needs TEST_DATABASE_URL: TEST_REQUIRE_POSTGRES=1 forbids skipping`);
  }
  // Skipped only where no server is given, as the spec allows; CI forbids it (above).
  (serverUrl === undefined ? describe.skip : describe)(name, body);
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (serverUrl === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'triggerline-test-'));
    return {
      env: { DATABASE_URL: undefined, PGLITE_DIR: dir },
      url: null,
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  const name = `triggerline_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(serverUrl, name);
  return {
    env: { DATABASE_URL: url },
    url,
    drop: async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
