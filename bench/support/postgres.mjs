// Scratch databases on the benchmark's PostgreSQL server, and the counters read from it.
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { config } from './config.mjs';
import { cpuMs } from './processes.mjs';

const created = [];
let admin;

async function adminClient() {
  if (admin === undefined) {
    admin = new pg.Client({ connectionString: config.serverUrl });
    await admin.connect();
  }
  return admin;
}

/** Creates an empty database for one system under test; answers its URL. */
export async function createScratchDatabase(label) {
  const name = `bench_${label}_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  await (await adminClient()).query(`CREATE DATABASE ${name}`);
  created.push(name);
  const url = new URL(config.serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Drops one scratch database as soon as it has served, so that no autovacuum of it runs
 *  during a later measurement. */
export async function dropScratchDatabase({ name }) {
  created.splice(created.indexOf(name), 1);
  await (await adminClient()).query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

export async function dropScratchDatabases() {
  const client = await adminClient();
  for (const name of created.splice(0)) {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  await client.end();
  admin = undefined;
}

/**
 * Committed transactions of a database so far, read from another database so that reading
 * adds none. Backends report their counts when idle (at most once a second) and when they
 * exit: read after the processes under test have stopped, or after `settleMs`.
 */
export async function committedTransactions(databaseName, settleMs = 0) {
  if (settleMs > 0) {
    await delay(settleMs);
  }
  const client = await adminClient();
  await client.query('SELECT pg_stat_clear_snapshot()');
  const { rows } = await client.query(
    'SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = $1',
    [databaseName],
  );
  return Number(rows[0].n);
}

export async function serverSettings() {
  const client = await adminClient();
  const { rows } = await client.query(
    `SELECT current_setting('server_version') AS version,
            current_setting('shared_preload_libraries') AS preload,
            current_setting('synchronous_commit') AS synchronous_commit,
            current_setting('shared_buffers') AS shared_buffers`,
  );
  return rows[0];
}

/** A client on `url` that counts its own statements, so they can be subtracted. */
export async function countingClient(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let statements = 0;
  return {
    get statements() {
      return statements;
    },
    async query(text, values) {
      statements += 1;
      return client.query(text, values);
    },
    end: () => client.end(),
  };
}

/**
 * CPU used by the PostgreSQL backends of a database (the server runs on this machine), except
 * `excludePid`'s: call `take()` at the start and at the end of a measurement, while the
 * clients are still connected; `since(start)` answers the ms spent in between.
 */
export async function backendCpu(databaseName, excludePid) {
  const { rows } = await (
    await adminClient()
  ).query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> $2`, [
    databaseName,
    excludePid,
  ]);
  return new Map(rows.map(({ pid }) => [pid, cpuMs(pid)]));
}

/** NaN when no backend could be read (a server on another machine). */
export function backendCpuBetween(start, end) {
  let total = NaN;
  for (const [pid, ms] of end) {
    if (Number.isFinite(ms)) {
      total = (Number.isNaN(total) ? 0 : total) + ms - (start.get(pid) ?? 0);
    }
  }
  return total;
}
