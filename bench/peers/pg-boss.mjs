// A pg-boss process whose handler makes the same HTTP call as a Triggerline attempt.
// Ten work() loops (pg-boss 10 runs one job batch per loop, so concurrency 10), each fetching
// PGBOSS_BATCH_SIZE jobs (default 1) and calling the target for them one after the other.
// Everything else at pg-boss's defaults. Prints "ready" once it works.
import PgBoss from 'pg-boss';
import { callTarget } from './http-call.mjs';
import { PG_BOSS_WORK_LOOPS } from './settings.mjs';

const batchSize = Number(process.env.PGBOSS_BATCH_SIZE ?? 1);
const boss = new PgBoss({ connectionString: process.env.DATABASE_URL });
boss.on('error', (error) => console.error('pg-boss:', error.message));
await boss.start();
for (let i = 0; i < PG_BOSS_WORK_LOOPS; i++) {
  await boss.work('bench', { batchSize }, async (jobs) => {
    for (const job of jobs) {
      await callTarget(process.env.TARGET_URL, job.data, job.id, 1);
    }
  });
}
process.on('SIGTERM', () => {
  boss.stop({ graceful: false, wait: true }).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
console.log('ready');
