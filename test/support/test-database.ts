import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * A database of its own for one test file: on TEST_DATABASE_URL's server when one is given, else
 * on the embedded PGlite of `npm start` (so that every divergence of it shows), and on a server
 * (TEST_DATABASE_URL's, or the run's throwaway one) for tests that need one.
 */
export interface TestDatabase {
  /** Environment that points the app at this database. */
  env: Record<string, string | undefined>;
  /** Connection string of a real server; null when embedded. */
  url: string | null;
  drop(): Promise<void>;
}

const givenUrl = process.env.TEST_DATABASE_URL || undefined;

/** The PostgreSQL server of the run: TEST_DATABASE_URL's, or the throwaway one (global-setup). */
export const serverUrl = givenUrl ?? (process.env.TRIGGERLINE_TEST_SERVER_URL || undefined);
export const isPostgresRequired = process.env.TEST_REQUIRE_POSTGRES === '1';

// Set while the tests of a describeWithPostgres block run: their databases go on the server.
let isServerNeeded = false;

/** `describe` for tests that need a PostgreSQL server (several processes on one database). */
export function describeWithPostgres(name: string, body: () => void): void {
  describe(name, () => {
    beforeAll(() => {
      if (serverUrl === undefined) {
        throw new Error(
          `"${name}" found no PostgreSQL server: is test/support/global-setup.ts set?`,
        );
      }
      isServerNeeded = true;
    });
    afterAll(() => {
      isServerNeeded = false;
    });
    body();
  });
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createTestDatabase(
  options: { onServer?: boolean } = {},
): Promise<TestDatabase> {
  const isOnServer = givenUrl !== undefined || isServerNeeded || options.onServer === true;
  if (!isOnServer) {
    const dir = mkdtempSync(join(tmpdir(), 'triggerline-test-'));
    return {
      env: { DATABASE_URL: undefined, PGLITE_DIR: dir },
      url: null,
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  if (serverUrl === undefined) {
    throw new Error('no PostgreSQL server for this test: is test/support/global-setup.ts set?');
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
