// `npm run bench`: measures Triggerline on PostgreSQL, each number next to a baseline taken in
// the same run on the same machine, so the ratios mean something wherever it runs.
//
//   BENCH_DATABASE_URL  server to create a scratch database on (default local PostgreSQL)
//   BENCH_SECONDS       length of each load phase (default 5)
//   BENCH_CONCURRENCY   requests in flight during a load phase (default 32)
//   BENCH_ROWS          finished executions added for the large-table phase (default 1000000)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';

const root = new URL('..', import.meta.url).pathname;
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const largeRows = Number(process.env.BENCH_ROWS ?? 1_000_000);
const token = 'bench-admin-token-0123456789';
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

async function waitUntil(probe, what, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(50);
  }
}

/** Keeps `concurrency` requests in flight for `seconds`; answers throughput and latencies. */
async function load(send, expectedStatus) {
  const latencies = [];
  const until = performance.now() + seconds * 1000;
  let sequence = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const { status } = await send(sequence++);
        if (status !== expectedStatus) throw new Error(`unexpected status ${status}`);
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { count: latencies.length, rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

async function medianMs(times, run) {
  const samples = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b)[Math.floor(times / 2)];
}

const rssMiB = (pid) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

const fmt = (n, digits = 1) => n.toFixed(digits);

async function main() {
  const database = `triggerline_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const db = new pg.Client({ connectionString: url.toString() });

  // The downstream: answers 200 at once, so the numbers are Triggerline's own.
  const sink = http.createServer((_req, res) => res.end('ok')).listen(0, '127.0.0.1');
  await once(sink, 'listening');

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const app = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: url.toString(),
      ADMIN_TOKEN: token,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const results = [];
  try {
    await waitUntil(async () => (await request(`${base}/health/ready`)).status === 200, 'ready');
    await db.connect();
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await request(`${base}/api/triggers`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'Bench',
        slug: 'bench',
        action: { type: 'http', url: `http://127.0.0.1:${sink.address().port}/` },
      }),
    });
    if (created.status !== 201) throw new Error(`trigger: ${created.status} ${created.body}`);
    const rssIdle = rssMiB(app.pid);

    const health = await load(() => request(`${base}/health/live`), 200);
    // What the database alone allows: one committed INSERT of a similar row per request.
    const pool = new pg.Pool({ connectionString: url.toString(), max: 20 });
    await pool.query(
      'CREATE TABLE bench_commits (id bigserial PRIMARY KEY, key text, payload jsonb)',
    );
    const commits = await load(async (n) => {
      const payload = JSON.stringify({ order: n, items: [{ sku: 'A-1', qty: 2 }] });
      await pool.query('INSERT INTO bench_commits (key, payload) VALUES ($1, $2)', [n, payload]);
      return { status: 200 };
    }, 200);
    await pool.end();
    const hook = (key) =>
      request(`${base}/hooks/bench`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ order: key, items: [{ sku: 'A-1', qty: 2 }] }),
      });
    const ingestStarted = performance.now();
    const ingest = await load((n) => hook(`order-${n}`), 202);
    await waitUntil(async () => {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM executions WHERE due_at IS NOT NULL`,
      );
      return rows[0].n === 0;
    }, 'every execution to finish');
    const deliveredPerSecond = ingest.count / ((performance.now() - ingestStarted) / 1000);
    const rssLoaded = rssMiB(app.pid);
    const duplicate = await load(() => hook('order-0'), 200);

    const rate = (result, unit) => [
      `${fmt(result.rps, 0)} ${unit}`,
      `p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms`,
    ];
    results.push(
      ['GET /health/live (HTTP stack baseline)', ...rate(health, 'req/s'), '1.00'],
      ['INSERT + COMMIT with pg (database baseline)', ...rate(commits, 'commits/s'), '1.00'],
      [
        'POST /hooks/:slug, new key (202)',
        ...rate(ingest, 'req/s'),
        `${fmt(ingest.rps / health.rps, 2)} of HTTP, ${fmt(ingest.rps / commits.rps, 2)} of database`,
      ],
      [
        'POST /hooks/:slug, duplicate (200)',
        ...rate(duplicate, 'req/s'),
        `${fmt(duplicate.rps / health.rps, 2)} of HTTP, ${fmt(duplicate.rps / commits.rps, 2)} of database`,
      ],
      [
        'accepted and executed end to end',
        `${fmt(deliveredPerSecond, 0)} exec/s`,
        `${ingest.count} executions`,
        `${fmt(deliveredPerSecond / commits.rps, 2)} of database`,
      ],
      [
        'RSS after the load vs idle',
        `${fmt(rssLoaded, 0)} MiB`,
        `idle ${fmt(rssIdle, 0)} MiB`,
        fmt(rssLoaded / rssIdle, 2),
      ],
    );

    // Large tables: stats and claims with many finished rows next to the same with few.
    const stats = (days) => () => request(`${base}/api/stats?days=${days}`, { headers: auth });
    const statsSmall = await medianMs(15, stats(1));
    const claimSql = `EXPLAIN ANALYZE SELECT id FROM executions WHERE due_at <= now()
                      ORDER BY due_at LIMIT 10 FOR UPDATE SKIP LOCKED`;
    const claimMs = async () => {
      const { rows } = await db.query(claimSql);
      return Number(/Execution Time: ([\d.]+)/.exec(rows.at(-1)['QUERY PLAN'])[1]);
    };
    const claimSmall = await claimMs();
    await db.query(
      `INSERT INTO executions (trigger_id, status, attempt_count, created_at, updated_at, finished_at)
       SELECT t.id, 'succeeded', 1, ts, ts, ts
       FROM triggers t, LATERAL (
         SELECT now() - interval '2 days' - (g * interval '1 second') AS ts
         FROM generate_series(1, $1) AS g) AS times
       WHERE t.slug = 'bench'`,
      [largeRows],
    );
    await db.query('ANALYZE');
    const statsLarge = await medianMs(15, stats(1));
    const stats90Large = await medianMs(5, stats(90));
    const claimLarge = await claimMs();
    results.push(
      [
        `GET /api/stats?days=1, +${largeRows} old rows`,
        `${fmt(statsLarge)} ms`,
        `without them ${fmt(statsSmall)} ms`,
        fmt(statsLarge / statsSmall, 2),
      ],
      [
        `GET /api/stats?days=90, +${largeRows} rows in window`,
        `${fmt(stats90Large)} ms`,
        `days=1 ${fmt(statsLarge)} ms`,
        fmt(stats90Large / statsLarge, 2),
      ],
      [
        `due-execution claim query, +${largeRows} rows`,
        `${fmt(claimLarge, 3)} ms`,
        `without them ${fmt(claimSmall, 3)} ms`,
        fmt(claimLarge / claimSmall, 2),
      ],
    );
  } finally {
    app.kill('SIGTERM');
    await once(app, 'exit');
    sink.close();
    agent.destroy();
    await db.end().catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }

  console.log(`\nTriggerline benchmark: ${seconds} s per phase, ${concurrency} in flight\n`);
  console.table(
    results.map(([what, value, detail, ratio]) => ({
      what,
      value,
      detail,
      'ratio to baseline': ratio,
    })),
  );
}

await main();
