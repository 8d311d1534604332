// A graphile-worker process whose task makes the same HTTP call as a Triggerline attempt.
// GW_BATCHED=1 turns on its batching: a local queue of 100 jobs and completions batched
// (settings.mjs). Concurrency 10 either way. Prints "ready" once it works.
import { Logger, run } from 'graphile-worker';
import { callTarget } from './http-call.mjs';
import { GRAPHILE_WORKER_BATCHING, GRAPHILE_WORKER_CONCURRENCY } from './settings.mjs';

const silent = new Logger(() => () => {});
const batched = process.env.GW_BATCHED === '1';
const runner = await run({
  connectionString: process.env.DATABASE_URL,
  concurrency: GRAPHILE_WORKER_CONCURRENCY,
  noHandleSignals: true,
  logger: silent,
  taskList: {
    bench: (payload, helpers) =>
      callTarget(process.env.TARGET_URL, payload, helpers.job.id, helpers.job.attempts),
  },
  ...(batched ? { preset: { worker: GRAPHILE_WORKER_BATCHING } } : {}),
});
process.on('SIGTERM', () => {
  runner.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
console.log('ready');
