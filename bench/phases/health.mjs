// Trivial route: GET /health/live of a ROLE=api process against bare Fastify (the version the
// service runs on) with one route, in its own process, under the same wrk settings.
import { config } from '../support/config.mjs';
import { wrk } from '../support/load-tools.mjs';
import { fmt, median, ratio } from '../support/numbers.mjs';
import { createScratchDatabase, dropScratchDatabase } from '../support/postgres.mjs';
import { freePort, startScript, startTriggerline } from '../support/processes.mjs';

export async function healthPhase({ versions }) {
  const db = await createScratchDatabase('health');
  const api = await startTriggerline({ databaseUrl: db.url, role: 'api' });
  const port = await freePort();
  const bare = await startScript('peers/bare-fastify.mjs', 'bare fastify', { PORT: String(port) });
  const service = [];
  const fastify = [];
  const latency = { service: [], fastify: [] };
  try {
    // Warm-up (JIT, connections), not measured.
    await wrk(`${api.baseUrl}/health/live`, { seconds: 2 });
    await wrk(`http://127.0.0.1:${port}/health/live`, { seconds: 2 });
    for (let run = 0; run < config.repeat; run++) {
      const a = await wrk(`${api.baseUrl}/health/live`);
      const b = await wrk(`http://127.0.0.1:${port}/health/live`);
      if (a.errors > 0 || b.errors > 0) {
        throw new Error(`non-2xx answers: service ${a.errors}, bare Fastify ${b.errors}`);
      }
      service.push(a.requestsPerSecond);
      fastify.push(b.requestsPerSecond);
      latency.service.push(a.p99);
      latency.fastify.push(b.p99);
    }
  } finally {
    await bare.stop();
    await api.stop();
  }
  await dropScratchDatabase(db);
  const value = median(service);
  const baseline = median(fastify);
  return {
    name: 'health',
    details: [
      [
        'GET /health/live, ROLE=api',
        `${fmt(value)} req/s`,
        `p99 ${fmt(median(latency.service))} ms; runs ${service.map((n) => fmt(n)).join(', ')}`,
      ],
      [
        `bare Fastify ${versions.fastify}, one route`,
        `${fmt(baseline)} req/s`,
        `p99 ${fmt(median(latency.fastify))} ms; runs ${fastify.map((n) => fmt(n)).join(', ')}`,
      ],
    ],
    checks: [
      {
        target: 'GET /health/live ≥ 0.8 × bare Fastify',
        measured: `${fmt(value)} vs ${fmt(baseline)} req/s`,
        ratio: ratio(value, baseline),
        pass: ratio(value, baseline) >= 0.8,
      },
    ],
  };
}
