// Ingest: accepted webhooks/s of a ROLE=api process under wrk (a new Idempotency-Key on every
// request) against `pgbench -M prepared` running the service's own INSERT … ON CONFLICT
// statement, on the same table and indexes, at the same client count; and one repeated key
// (every request a duplicate, 200) against new keys.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { config } from '../support/config.mjs';
import { pgbench, wrk } from '../support/load-tools.mjs';
import { fmt, median, ratio } from '../support/numbers.mjs';
import {
  backendCpu,
  backendCpuBetween,
  countingClient,
  createScratchDatabase,
  dropScratchDatabase,
} from '../support/postgres.mjs';
import { cpuMs, root, startTriggerline } from '../support/processes.mjs';
import { BODY, createTrigger, deliver, deliverMany } from '../support/triggerline.mjs';
import { startOtlpSink } from '../support/otlp-sink.mjs';
import { startWireCounter } from '../support/wire-counter.mjs';

const WIRE_WEBHOOKS = 100;
// How the first recorded webhook's key, and an execution id, look as array parameters.
const KEY_ARRAY = '{"wire-0"}';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_ARRAY = /^\{"?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"?\}$/;

export async function ingestPhase() {
  const db = await createScratchDatabase('ingest');
  const wire = await readIngestOnTheWire(db.url);
  const script = pgbenchScript(wire);

  const api = await startTriggerline({ databaseUrl: db.url, role: 'api' });
  const client = await countingClient(db.url);
  const clientPid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const accepted = [];
  const wrkRates = [];
  const duplicateRates = [];
  const pgbenchTps = [];
  const pgbenchRows = [];
  const cpuPerWebhook = { api: [], postgres: [] };
  let rejected = 0;
  const hooks = {
    script: join(root, 'bench/wrk/hooks.lua'),
    env: { BENCH_KEY_PREFIX: 'warm', BENCH_BODY: BODY },
  };
  try {
    // Warm-up (JIT, connections), not measured.
    await wrk(`${api.baseUrl}/hooks/${wire.slug}`, { ...hooks, seconds: 2 });
    for (let run = 0; run < config.repeat; run++) {
      const before = await executionCount(client);
      const cpuBefore = { api: cpuMs(api.pid), postgres: await backendCpu(db.name, clientPid) };
      const result = await wrk(`${api.baseUrl}/hooks/${wire.slug}`, {
        ...hooks,
        env: { ...hooks.env, BENCH_KEY_PREFIX: `wrk${run}` },
      });
      const apiCpu = cpuMs(api.pid) - cpuBefore.api;
      const postgresCpu = backendCpuBetween(
        cpuBefore.postgres,
        await backendCpu(db.name, clientPid),
      );
      const count = (await executionCount(client)) - before;
      accepted.push(count / config.seconds);
      cpuPerWebhook.api.push(apiCpu / count);
      cpuPerWebhook.postgres.push(postgresCpu / count);
      wrkRates.push(result.requestsPerSecond);
      rejected += result.errors;
      const inserted = await executionCount(client);
      const baseline = await pgbench(db.url, script.file, script.variables);
      if (baseline.failed > 0) {
        throw new Error(`pgbench: ${baseline.failed} failed transactions\n${baseline.output}`);
      }
      pgbenchRows.push(((await executionCount(client)) - inserted) / config.seconds);
      pgbenchTps.push(baseline.tps);
      const beforeDuplicates = await executionCount(client);
      const duplicates = await wrk(`${api.baseUrl}/hooks/${wire.slug}`, {
        ...hooks,
        env: { ...hooks.env, BENCH_REPEATED_KEY: 'wire-0' },
      });
      if ((await executionCount(client)) !== beforeDuplicates) {
        throw new Error('a repeated key created executions');
      }
      rejected += duplicates.errors;
      duplicateRates.push(duplicates.requestsPerSecond);
    }
  } finally {
    rmSync(script.file, { force: true });
    await client.end();
    await api.stop();
  }
  const traced = config.tracing ? await ingestTraced(db.url, wire.slug, hooks) : null;
  await dropScratchDatabase(db);

  const value = median(accepted);
  // Rows inserted per second on both sides (pgbench's tps would also count a key collision).
  const baseline = median(pgbenchRows);
  return {
    name: 'ingest',
    details: [
      [
        'POST /hooks/:slug, new keys (202), ROLE=api under wrk',
        `${fmt(value)} accepted/s`,
        `wrk ${fmt(median(wrkRates))} req/s; non-2xx ${rejected}; ` +
          `CPU per webhook: api ${fmt(median(cpuPerWebhook.api), 3)} ms, ` +
          `PostgreSQL ${fmt(median(cpuPerWebhook.postgres), 3)} ms; ` +
          `runs ${accepted.map((n) => fmt(n)).join(', ')}`,
      ],
      [
        'POST /hooks/:slug, one repeated key (200 duplicate), ROLE=api under wrk',
        `${fmt(median(duplicateRates))} duplicates/s`,
        `runs ${duplicateRates.map((n) => fmt(n)).join(', ')}`,
      ],
      [
        `pgbench -M prepared, ${script.origin}`,
        `${fmt(baseline)} inserted/s`,
        `pgbench ${fmt(median(pgbenchTps))} tps; runs ${pgbenchRows.map((n) => fmt(n)).join(', ')}`,
      ],
      [
        'the statement pgbench runs',
        `${script.sql.replace(/\s+/g, ' ').slice(0, 160)}…`,
        `parameters as seen on the wire: ${JSON.stringify(script.variables).slice(0, 200)}`,
      ],
      ...(traced === null
        ? []
        : [
            [
              'the same with OpenTelemetry on (OTLP/HTTP protobuf to a local sink)',
              `${fmt(traced.value)} accepted/s`,
              `${fmt(ratio(traced.value, value), 2)} × tracing off; ` +
                `${traced.exports} exports, ${fmt(traced.bytes / 1024)} KiB to the sink; ` +
                `runs ${traced.runs.map((n) => fmt(n)).join(', ')}`,
            ],
          ]),
      [
        'statements per accepted webhook (on the wire)',
        fmt(wire.statementsPerWebhook),
        `${WIRE_WEBHOOKS} webhooks one at a time`,
      ],
    ],
    checks: [
      {
        target: 'ingest ≥ 0.9 × pgbench (same statement, same clients; §19)',
        measured: `${fmt(value)}/s vs pgbench ${fmt(baseline)}/s`,
        ratio: ratio(value, baseline),
        pass: ratio(value, baseline) >= 0.9,
      },
      {
        target: 'one repeated key ≥ 1.0 × new keys (§19)',
        measured: `${fmt(median(duplicateRates))} duplicates/s vs ${fmt(value)} accepted/s`,
        ratio: ratio(median(duplicateRates), value),
        pass: ratio(median(duplicateRates), value) >= 1.0,
      },
    ],
  };
}

/**
 * BENCH_TRACING=1: accepted webhooks/s of an api process that traces every delivery (a server
 * span each, exported in batches over OTLP/HTTP to a local sink), measured as above.
 */
async function ingestTraced(databaseUrl, slug, hooks) {
  const sink = await startOtlpSink();
  const api = await startTriggerline({
    databaseUrl,
    role: 'api',
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: 'triggerline-bench' },
  });
  const client = await countingClient(databaseUrl);
  const runs = [];
  try {
    await wrk(`${api.baseUrl}/hooks/${slug}`, { ...hooks, seconds: 2 });
    for (let run = 0; run < config.repeat; run++) {
      const before = await executionCount(client);
      await wrk(`${api.baseUrl}/hooks/${slug}`, {
        ...hooks,
        env: { ...hooks.env, BENCH_KEY_PREFIX: `traced${run}` },
      });
      runs.push(((await executionCount(client)) - before) / config.seconds);
    }
  } finally {
    await client.end();
    // Its last spans are flushed on the way out.
    await api.stop();
    await sink.close();
  }
  if (sink.exports === 0) {
    throw new Error('BENCH_TRACING=1: the api exported no spans to the sink');
  }
  return { value: median(runs), runs, exports: sink.exports, bytes: sink.bytes };
}

async function executionCount(client) {
  const { rows } = await client.query('SELECT count(*)::int AS n FROM executions');
  return rows[0].n;
}

/**
 * Runs the api through the wire counter for a while: how many statements an accepted webhook
 * costs, and the INSERT … ON CONFLICT it runs, with its parameters.
 */
async function readIngestOnTheWire(databaseUrl) {
  const counter = await startWireCounter(databaseUrl);
  const api = await startTriggerline({ databaseUrl: counter.url, role: 'api' });
  try {
    // ROLE=api executes nothing: the action's URL is never called.
    const { id: triggerId, slug } = await createTrigger(
      api.baseUrl,
      'ingest',
      'http://127.0.0.1:9/',
    );
    await deliverMany(api.baseUrl, slug, 'warm', 20, 1);
    const before = counter.statements;
    const stop = counter.record();
    for (let i = 0; i < WIRE_WEBHOOKS; i++) {
      await deliver(api.baseUrl, slug, `wire-${i}`);
    }
    const log = stop();
    const insert = log.find(
      (entry) =>
        /insert\s+into\s+"?executions"?/i.test(entry.sql ?? '') &&
        /on\s+conflict/i.test(entry.sql) &&
        entry.params.some((param) => param === 'wire-0' || param === KEY_ARRAY),
    );
    return {
      slug,
      triggerId,
      statementsPerWebhook: (counter.statements - before) / WIRE_WEBHOOKS,
      insert: insert ?? null,
    };
  } finally {
    await api.stop();
    await counter.close();
  }
}

/**
 * The pgbench script: the statement seen on the wire, its parameters passed as pgbench
 * variables (so -M prepared binds them as the service does), the idempotency key made new
 * on every transaction.
 */
function pgbenchScript({ insert, triggerId }) {
  const variables = {};
  let sql;
  let origin;
  if (insert !== null) {
    origin = "the service's INSERT … ON CONFLICT as seen on the wire";
    const key = "('pgbench-' || (:client_id)::text || '-' || (:n)::text)";
    sql = insert.sql.replace(/\$(\d+)/g, (_match, n) => {
      const value = insert.params[Number(n) - 1];
      if (value === 'wire-0') {
        return key;
      }
      // The service's batched INSERT takes arrays; one webhook at a time makes them of one
      // element. It chooses each execution's id itself: pgbench needs a new one every time.
      if (value === KEY_ARRAY) {
        return `ARRAY[${key}]`;
      }
      if (UUID_ARRAY.test(value ?? '') && !value.includes(triggerId)) {
        return 'ARRAY[gen_random_uuid()]';
      }
      // A single delivery's id appears more than once in its statement: the same new id in
      // each place, derived from the new key.
      if (UUID.test(value ?? '') && value !== triggerId) {
        return `md5${key}::uuid`;
      }
      if (value === null) {
        return 'NULL';
      }
      variables[`p${n}`] = value;
      return `:p${n}`;
    });
  } else {
    // Only when the statement could not be read on the wire: wave 1's statement, copied from
    // apps/api/src/ingest/ingest.repository.ts. Keep it in sync, or better, keep the wire
    // capture working.
    origin = 'a copy of the wave-1 INSERT (not seen on the wire)';
    sql = `WITH inserted AS (
         INSERT INTO executions (trigger_id, status, idempotency_key, due_at)
         SELECT id, 'pending', 'pgbench-' || (:client_id)::text || '-' || (:n)::text, now()
         FROM triggers LIMIT 1
         ON CONFLICT (trigger_id, idempotency_key)
           WHERE idempotency_key IS NOT NULL AND replay_of IS NULL DO NOTHING
         RETURNING id
       ), stored AS (
         INSERT INTO execution_payloads (execution_id, payload, headers)
         SELECT id, :body::jsonb, '{}'::jsonb FROM inserted
       )
       SELECT id FROM inserted`;
    variables.body = BODY;
  }
  const file = join(tmpdir(), `triggerline-bench-ingest-${process.pid}.sql`);
  writeFileSync(file, `\\set n random(1, 1000000000000)\n${sql.trim().replace(/;$/, '')};\n`);
  return { file, variables, origin, sql };
}
