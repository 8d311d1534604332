// Enqueue → first attempt at idle: one webhook at a time to a ROLE=api process, executed by a
// separate ROLE=worker process; latency = arrival at the target − the moment the webhook was
// sent. The same with graphile-worker: addJob from here, its worker in its own process.
import { setTimeout as delay } from 'node:timers/promises';
import { config } from '../support/config.mjs';
import { fmt, percentile, ratio } from '../support/numbers.mjs';
import {
  countingClient,
  createScratchDatabase,
  dropScratchDatabase,
} from '../support/postgres.mjs';
import { PEER_NODE } from '../peers/settings.mjs';
import { startScript, startTriggerline } from '../support/processes.mjs';
import { createTrigger, deliver } from '../support/triggerline.mjs';

const WARM_UP = 10;

/**
 * Sends one item at a time with `send(i)`; answers arrival − send in ms for each, and how long
 * `send` itself took (the webhook's 202, or addJob's round trip).
 */
async function measure(target, send, count) {
  const latencies = [];
  const sends = [];
  target.reset();
  for (let i = 0; i < WARM_UP + count; i++) {
    const arrived = target.arrival(i + 1);
    arrived.catch(() => {}); // awaited below; a failed send must not leave it unhandled
    const sentAt = performance.now();
    await send(i);
    const answeredAt = performance.now();
    const latency = (await arrived) - sentAt;
    if (i >= WARM_UP) {
      latencies.push(latency);
      sends.push(answeredAt - sentAt);
    }
    await delay(config.latencyGapMs);
  }
  return { latencies, sends };
}

async function triggerline(target) {
  const db = await createScratchDatabase('latency_tl');
  const api = await startTriggerline({ databaseUrl: db.url, role: 'api' });
  const worker = await startTriggerline({ databaseUrl: db.url, role: 'worker' });
  return {
    async run(round) {
      const { slug } = await createTrigger(api.baseUrl, `latency-${round}`, target.url);
      return measure(
        target,
        (i) => deliver(api.baseUrl, slug, `l${round}-${i}`),
        config.latencyDeliveries,
      );
    },
    async stop() {
      await worker.stop();
      await api.stop();
      await dropScratchDatabase(db);
    },
  };
}

async function graphileWorker(target) {
  const db = await createScratchDatabase('latency_gw');
  const worker = await startScript(
    'peers/graphile-worker.mjs',
    'graphile-worker',
    { DATABASE_URL: db.url, TARGET_URL: target.url },
    PEER_NODE,
  );
  const client = await countingClient(db.url);
  const payload = JSON.stringify({ type: 'order.created' });
  return {
    run: () =>
      measure(
        target,
        () => client.query(`SELECT graphile_worker.add_job('bench', $1::json)`, [payload]),
        config.latencyDeliveries,
      ),
    async stop() {
      await client.end();
      await worker.stop();
      await dropScratchDatabase(db);
    },
  };
}

export async function latencyPhase({ target, versions }) {
  const ours = await triggerline(target);
  const theirs = await graphileWorker(target).catch(async (error) => {
    await ours.stop();
    throw error;
  });
  const samples = { ours: [], theirs: [] };
  const sends = { ours: [], theirs: [] };
  try {
    // Interleaved rounds, so that both see the same moments of a noisy machine.
    for (let round = 0; round < config.repeat; round++) {
      for (const [key, system] of [
        ['ours', ours],
        ['theirs', theirs],
      ]) {
        const result = await system.run(round);
        samples[key].push(...result.latencies);
        sends[key].push(...result.sends);
      }
    }
  } finally {
    await theirs.stop();
    await ours.stop();
  }
  const at = (values, q) => percentile(values, q);
  const p50 = at(samples.ours, 0.5);
  const p99 = at(samples.ours, 0.99);
  const gw50 = at(samples.theirs, 0.5);
  const gw99 = at(samples.theirs, 0.99);
  const n = `${samples.ours.length} sequential deliveries, ${config.latencyGapMs} ms apart`;
  return {
    name: 'latency',
    details: [
      [
        'enqueue → first attempt, ROLE=api + ROLE=worker',
        `p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms`,
        `${n}; max ${fmt(at(samples.ours, 1))} ms; the 202 came back after p50 ${fmt(at(sends.ours, 0.5))} ms`,
      ],
      [
        `graphile-worker ${versions.graphileWorker} (addJob → task starts the call)`,
        `p50 ${fmt(gw50)} ms, p99 ${fmt(gw99)} ms`,
        `${n}; max ${fmt(at(samples.theirs, 1))} ms; addJob returned after p50 ${fmt(at(sends.theirs, 0.5))} ms`,
      ],
    ],
    checks: [
      {
        target: 'enqueue → first attempt p50 ≤ 5 ms, ≤ graphile-worker',
        measured: `${fmt(p50)} ms vs graphile-worker ${fmt(gw50)} ms`,
        ratio: ratio(p50, gw50),
        pass: p50 <= 5 && p50 <= gw50,
      },
      {
        target: 'enqueue → first attempt p99 ≤ 20 ms, ≤ graphile-worker',
        measured: `${fmt(p99)} ms vs graphile-worker ${fmt(gw99)} ms`,
        ratio: ratio(p99, gw99),
        pass: p99 <= 20 && p99 <= gw99,
      },
    ],
  };
}
