import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

declare global {
  var throwawayPostgres: ChildProcess | undefined;
}

/**
 * Gives the tests that need a PostgreSQL server one: TEST_DATABASE_URL's, or else a throwaway
 * server of this run (test/support/throwaway-postgres.mjs), announced to the test files as
 * TRIGGERLINE_TEST_SERVER_URL. The other tests keep running on the embedded PGlite of `npm start`.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) {
    return;
  }
  const child = fork(join(__dirname, 'throwaway-postgres.mjs'), [], { stdio: 'inherit' });
  const message = await new Promise<{ url?: string; error?: string }>((resolve, reject) => {
    child.once('message', (value) => resolve(value as { url?: string; error?: string }));
    child.once('exit', (code) => reject(new Error(`throwaway PostgreSQL exited with ${code}`)));
  });
  if (message.url === undefined) {
    throw new Error(`could not start a throwaway PostgreSQL for the tests: ${message.error}`);
  }
  globalThis.throwawayPostgres = child;
  process.env.TRIGGERLINE_TEST_SERVER_URL = message.url;
}
