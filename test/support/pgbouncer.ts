import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePort } from './spawned-app';
import { waitFor } from './test-app';
import { describeWithPostgres } from './test-database';

/** Debian's pgbouncer: on PATH, or in /usr/sbin, which a non-root PATH often lacks. */
function findPgBouncer(): string | null {
  const onPath = spawnSync('sh', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim() !== '') {
    return onPath.stdout.trim();
  }
  return existsSync('/usr/sbin/pgbouncer') ? '/usr/sbin/pgbouncer' : null;
}

export const pgBouncerPath = findPgBouncer();

/**
 * `describe` for tests that need a PostgreSQL server and PgBouncer. PgBouncer is the one tool
 * no npm package ships: without it these tests fail, saying what to install, never skip.
 */
export function describeWithPgBouncer(name: string, body: () => void): void {
  if (pgBouncerPath === null) {
    throw new Error(`"${name}" needs Debian's pgbouncer: apt-get install pgbouncer`);
  }
  describeWithPostgres(name, body);
}

/**
 * A PgBouncer process of the test's own, in transaction mode, in front of the server of
 * `serverUrl` (any database name on it), trusting the server's user.
 */
export class PgBouncer {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    private readonly output: () => string,
  ) {}

  static async start(options: { serverUrl: string; poolSize: number }): Promise<PgBouncer> {
    const server = new URL(options.serverUrl);
    const user = decodeURIComponent(server.username || 'postgres');
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'triggerline-pgbouncer-'));
    writeFileSync(join(dir, 'userlist.txt'), `"${user}" ""\n`);
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${server.hostname} port=${server.port || 5432}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${join(dir, 'userlist.txt')}`,
        'pool_mode = transaction',
        `default_pool_size = ${options.poolSize}`,
        'max_client_conn = 1000',
        '',
      ].join('\n'),
    );
    // PgBouncer refuses to run as root; then it drops to the PostgreSQL server's own user.
    const isRoot = process.getuid?.() === 0;
    if (isRoot) {
      chmodSync(dir, 0o755);
    }
    const args = [...(isRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')];
    const child = spawn(pgBouncerPath!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const bouncer = new PgBouncer(child, dir, port, () => output);
    await waitFor(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`pgbouncer exited with ${child.exitCode}:\n${output}`);
        }
        const client = new Client({ connectionString: bouncer.urlFor(options.serverUrl) });
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } catch {
          return undefined;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      { timeoutMs: 30000, intervalMs: 100, what: `pgbouncer on port ${port}` },
    );
    return bouncer;
  }

  /** `url` (a database on the server) as reached through this PgBouncer. */
  urlFor(url: string): string {
    const pooled = new URL(url);
    pooled.hostname = '127.0.0.1';
    pooled.port = String(this.port);
    return pooled.toString();
  }

  log(): string {
    return this.output();
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      await once(this.child, 'exit');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
