// A pg-boss process whose handler makes the same HTTP call as a Triggerline attempt.
// pg-boss 12: one work() with localConcurrency 10 (so 10 calls in flight, like the others),
// fetching one job at a time at its defaults; PGBOSS_BATCHED=1 fetches 100 jobs at a time and
// keeps fetching while batches come back full (`burstWhenBatchFull`), each worker calling the
// target for its batch one job after the other. Prints "ready" once it works.
import { PgBoss } from 'pg-boss';
import { callTarget } from './http-call.mjs';
import { PG_BOSS_BATCHING, PG_BOSS_CONCURRENCY } from './settings.mjs';

const batched = process.env.PGBOSS_BATCHED === '1';
const boss = new PgBoss({ connectionString: process.env.DATABASE_URL });
boss.on('error', (error) => console.error('pg-boss:', error.message));
await boss.start();
await boss.work(
  'bench',
  { localConcurrency: PG_BOSS_CONCURRENCY, ...(batched ? PG_BOSS_BATCHING : {}) },
  async (jobs) => {
    for (const job of jobs) {
      await callTarget(process.env.TARGET_URL, job.data, job.id, 1);
    }
  },
);
process.on('SIGTERM', () => {
  boss.stop({ graceful: false, wait: true }).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
console.log('ready');
