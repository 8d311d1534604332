// Drain: a backlog loaded before any worker starts, executed by one worker process at
// concurrency 10 against the loopback target. Triggerline (ROLE=worker) against graphile-worker
// and pg-boss doing the same HTTP call (their newest releases, on Node 22), each at its
// defaults and with its batching on, each on its own scratch database; and the ceiling of the
// job itself, the same calls made from memory with 10 in flight and no database. Per system:
// executions/s (first arrival → the database says all are done), committed transactions per
// execution (pg_stat_database.xact_commit of its database), the worker's RSS; then a smaller
// drain through the wire counter for statements per execution.
import { setTimeout as delay } from 'node:timers/promises';
import { config } from '../support/config.mjs';
import { fmt, median, ratio } from '../support/numbers.mjs';
import {
  backendCpu,
  backendCpuBetween,
  committedTransactions,
  countingClient,
  createScratchDatabase,
  dropScratchDatabase,
} from '../support/postgres.mjs';
import {
  cpuMs,
  runScript,
  sampleRss,
  startScript,
  startTriggerline,
} from '../support/processes.mjs';
import { BODY, createTrigger, deliverMany } from '../support/triggerline.mjs';
import { startWireCounter } from '../support/wire-counter.mjs';
import {
  GRAPHILE_WORKER_BATCHING,
  PEER_NODE,
  PG_BOSS_BATCHING,
  PG_BOSS_CONCURRENCY,
} from '../peers/settings.mjs';

/** The systems under test: how each loads its backlog, starts, and counts what is left. */
function systems(versions) {
  const graphileWorker = (batched) => ({
    key: batched ? 'gw-batched' : 'gw',
    name: `graphile-worker ${versions.graphileWorker} ${batched ? 'batched' : 'defaults'}`,
    settings: batched
      ? `concurrency 10, ${JSON.stringify(GRAPHILE_WORKER_BATCHING)}`
      : 'concurrency 10, otherwise defaults',
    load: (db, count) =>
      runScript(
        'peers/load-backlog.mjs',
        { PEER: 'graphile-worker', DATABASE_URL: db.url, COUNT: String(count), BODY },
        PEER_NODE,
      ),
    start: (url, target) =>
      startScript(
        'peers/graphile-worker.mjs',
        'graphile-worker',
        { DATABASE_URL: url, TARGET_URL: target.url, GW_BATCHED: batched ? '1' : '0' },
        PEER_NODE,
      ),
    remainingSql: 'SELECT count(*)::int AS n FROM graphile_worker.jobs',
  });
  const pgBoss = (batched) => ({
    key: batched ? 'boss-batched' : 'boss',
    name: `pg-boss ${versions.pgBoss} ${batched ? 'batched' : 'defaults'}`,
    settings:
      `localConcurrency ${PG_BOSS_CONCURRENCY}` +
      `${batched ? `, ${JSON.stringify(PG_BOSS_BATCHING)}` : ''}, otherwise defaults`,
    load: (db, count) =>
      runScript(
        'peers/load-backlog.mjs',
        { PEER: 'pg-boss', DATABASE_URL: db.url, COUNT: String(count), BODY },
        PEER_NODE,
      ),
    start: (url, target) =>
      startScript(
        'peers/pg-boss.mjs',
        'pg-boss',
        { DATABASE_URL: url, TARGET_URL: target.url, PGBOSS_BATCHED: batched ? '1' : '0' },
        PEER_NODE,
      ),
    remainingSql: `SELECT count(*)::int AS n FROM pgboss.job
                   WHERE name = 'bench' AND state IN ('created', 'retry', 'active')`,
  });
  return [
    {
      key: 'triggerline',
      name: 'Triggerline ROLE=worker',
      settings: `WORKER_CONCURRENCY=${config.workerConcurrency}, otherwise defaults`,
      async load(db, count, target) {
        const api = await startTriggerline({ databaseUrl: db.url, role: 'api' });
        try {
          const { slug } = await createTrigger(api.baseUrl, 'drain', target.url);
          await deliverMany(api.baseUrl, slug, 'backlog', count);
        } finally {
          await api.stop();
        }
      },
      start: (url) =>
        startTriggerline({
          databaseUrl: url,
          role: 'worker',
          env: { WORKER_CONCURRENCY: String(config.workerConcurrency) },
        }),
      remainingSql: `SELECT count(*)::int AS n FROM executions WHERE status <> 'succeeded'`,
    },
    graphileWorker(false),
    pgBoss(false),
    graphileWorker(true),
    pgBoss(true),
  ];
}

/** One drain of `count` jobs by `system`; through the wire counter when `countStatements`. */
async function drain(system, count, target, { countStatements = false } = {}) {
  const db = await createScratchDatabase(`drain_${system.key.replace('-', '_')}`);
  await system.load(db, count, target);
  const check = await countingClient(db.url);
  const backlog = (await check.query(system.remainingSql)).rows[0].n;
  await check.end();
  if (backlog !== count) {
    throw new Error(`${system.name}: the backlog holds ${backlog} jobs, not ${count}`);
  }
  // Every connection used so far is closed (a backend reports its counts when it exits); the
  // polling client opens after the baseline and its statements are subtracted.
  const xactBefore = await committedTransactions(db.name, 1100);
  const poll = await countingClient(db.url);
  const remaining = async () => (await poll.query(system.remainingSql)).rows[0].n;
  const pollPid = (await poll.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const counter = countStatements ? await startWireCounter(db.url) : null;
  target.reset();
  // The statement count needs some work done, not all of it: its drains stop sooner.
  const limitSeconds = Math.min(config.drainTimeoutSeconds, countStatements ? 30 : Infinity);
  const deadline = performance.now() + limitSeconds * 1000;
  const worker = await system.start(counter?.url ?? db.url, target);
  const rss = sampleRss(worker.pid);
  const until = (n) =>
    target.arrival(n, Math.max(1, deadline - performance.now())).then(
      () => true,
      () => false,
    );
  let left = count;
  let startedAt = NaN;
  let finishedAt = NaN;
  const memory = {};
  const cpu = {};
  try {
    if (await until(1)) {
      startedAt = target.firstAt;
      memory.start = rss.now();
      cpu.worker = cpuMs(worker.pid);
      cpu.postgres = await backendCpu(db.name, pollPid);
      if (await until(Math.ceil(count / 10))) {
        memory.tenth = rss.now();
      }
      await until(count);
    }
    // Every call made; done when the database says so (completions may be batched).
    while ((left = await remaining()) > 0 && performance.now() < deadline) {
      await delay(10);
    }
    finishedAt = performance.now();
    memory.end = rss.now();
    cpu.worker = cpuMs(worker.pid) - cpu.worker;
    cpu.postgres = backendCpuBetween(cpu.postgres, await backendCpu(db.name, pollPid));
  } finally {
    const samples = rss.stop();
    memory.max = Math.max(...samples.map((s) => s.mb));
    await worker.stop();
    await poll.end();
    await counter?.close();
  }
  const done = count - left;
  const xacts = (await committedTransactions(db.name, 1100)) - xactBefore - poll.statements;
  await dropScratchDatabase(db);
  if (done === 0) {
    throw new Error(`${system.name} executed nothing within ${limitSeconds} s`);
  }
  return {
    done,
    count,
    cut: left > 0,
    perSecond: done / ((finishedAt - startedAt) / 1000),
    xactsPerExecution: xacts / done,
    statementsPerExecution: counter ? counter.statements / done : NaN,
    workerCpuMs: cpu.worker / done,
    /** Share of one core the worker used while draining: low means it waited. */
    workerBusy: cpu.worker / (finishedAt - startedAt),
    postgresCpuMs: cpu.postgres / done,
    memory,
  };
}

/** The same `count` calls made from memory, 10 in flight, no database: calls per second. */
async function ceiling(count, target) {
  target.reset();
  const caller = await startScript('peers/ceiling.mjs', 'ceiling', {
    COUNT: String(count),
    BODY,
    TARGET_URL: target.url,
  });
  try {
    const lastAt = await target.arrival(count, config.drainTimeoutSeconds * 1000);
    return count / ((lastAt - target.firstAt) / 1000);
  } finally {
    await caller.stop();
  }
}

export async function drainPhase({ target, versions }) {
  const all = systems(versions);
  const runs = new Map(all.map((system) => [system.key, []]));
  const ceilings = [];
  // Interleaved rounds, so that every system sees the same moments of a noisy machine.
  // A system cut short by the time limit is bound by its polling, not by the work: it is not
  // run again.
  for (let round = 0; round < config.repeat; round++) {
    ceilings.push(await ceiling(config.drain, target));
    console.log(`  ceiling (no queue): ${fmt(ceilings.at(-1))}/s`);
    for (const system of all.filter((s) => !runs.get(s.key).some((r) => r.cut))) {
      const result = await drain(system, config.drain, target);
      console.log(
        `  drain ${system.name}: ${fmt(result.perSecond)}/s` +
          (result.cut
            ? ` (cut after ${config.drainTimeoutSeconds} s: ${result.done} of ${result.count})`
            : ''),
      );
      runs.get(system.key).push(result);
    }
  }
  const statements = new Map();
  for (const system of all) {
    const result = await drain(system, Math.min(config.statementDrain, config.drain), target, {
      countStatements: true,
    });
    statements.set(system.key, result.statementsPerExecution);
  }

  const summary = (key) => {
    const results = runs.get(key);
    return {
      perSecond: median(results.map((r) => r.perSecond)),
      xacts: median(results.map((r) => r.xactsPerExecution)),
      workerCpu: median(results.map((r) => r.workerCpuMs)),
      workerBusy: median(results.map((r) => r.workerBusy)),
      postgresCpu: median(results.map((r) => r.postgresCpuMs)),
      cut: results.some((r) => r.cut),
      done: results.map((r) => r.done),
      memory: results[Math.floor(results.length / 2)].memory,
      runs: results.map((r) => fmt(r.perSecond)).join(', '),
    };
  };
  const ours = summary('triggerline');
  const peersAtDefaults = ['gw', 'boss'].map((key) => ({ key, ...summary(key) }));
  const peersBatched = ['gw-batched', 'boss-batched'].map((key) => ({ key, ...summary(key) }));
  const fastest = (list) => list.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const name = (key) => all.find((s) => s.key === key).name;
  const bestDefault = fastest(peersAtDefaults);
  const bestBatched = fastest(peersBatched);
  const mem = ours.memory;
  const jobCeiling = median(ceilings);

  const details = all.map((system) => {
    const s = summary(system.key);
    const versus =
      system.key === 'triggerline'
        ? ''
        : `; Triggerline ${fmt(ratio(ours.perSecond, s.perSecond))} ×`;
    return [
      `drain of ${config.drain}: ${system.name} (${system.settings})`,
      `${fmt(s.perSecond)} executions/s${versus}`,
      `runs ${s.runs}${s.cut ? `; cut after ${config.drainTimeoutSeconds} s (done ${s.done.join(', ')})` : ''}; ` +
        `${fmt(s.xacts)} xact/exec; ${fmt(statements.get(system.key))} statements/exec; ` +
        `CPU/exec: worker ${fmt(s.workerCpu, 3)} ms, PostgreSQL ${fmt(s.postgresCpu, 3)} ms; ` +
        `worker busy ${fmt(s.workerBusy * 100, 0)}% of a core; ` +
        `RSS max ${fmt(s.memory.max)} MB`,
    ];
  });
  details.push([
    `ceiling of the job: the same ${config.drain} calls from memory, 10 in flight, no database`,
    `${fmt(jobCeiling)} calls/s`,
    `runs ${ceilings.map((n) => fmt(n)).join(', ')}; Triggerline drains at ` +
      `${fmt(ratio(ours.perSecond, jobCeiling))} of it, ` +
      `${name(bestBatched.key)} at ${fmt(ratio(bestBatched.perSecond, jobCeiling))}`,
  ]);
  return {
    name: 'drain',
    details,
    checks: [
      {
        target: 'drain ≥ 1.5 × the faster peer at defaults',
        measured: `${fmt(ours.perSecond)}/s vs ${name(bestDefault.key)} ${fmt(bestDefault.perSecond)}/s`,
        ratio: ratio(ours.perSecond, bestDefault.perSecond),
        pass: ratio(ours.perSecond, bestDefault.perSecond) >= 1.5,
      },
      {
        target: 'drain ≥ 2.0 × the faster peer with batching (§19)',
        measured: `${fmt(ours.perSecond)}/s vs ${name(bestBatched.key)} ${fmt(bestBatched.perSecond)}/s`,
        ratio: ratio(ours.perSecond, bestBatched.perSecond),
        pass: ratio(ours.perSecond, bestBatched.perSecond) >= 2.0,
      },
      {
        target: '≤ 2 transactions per successful execution',
        measured: `${fmt(ours.xacts)} (statements on the wire: ${fmt(statements.get('triggerline'))})`,
        ratio: ratio(ours.xacts, 2),
        pass: ours.xacts <= 2,
      },
      {
        target: 'worker RSS ≤ 120 MB, flat as jobs drain (§19)',
        measured:
          `max ${fmt(mem.max)} MB; at first call ${fmt(mem.start)}, ` +
          `after 10% ${fmt(mem.tenth)}, at the end ${fmt(mem.end)}`,
        ratio: ratio(mem.end, mem.tenth),
        pass: mem.max <= 120 && ratio(mem.end, mem.tenth) <= 1.2,
      },
    ],
  };
}
