// Loads a backlog of COUNT jobs for PEER (graphile-worker or pg-boss) into DATABASE_URL the
// way that peer's users enqueue, then exits. Runs on the peers' Node (settings.mjs).
import { Logger, runMigrations } from 'graphile-worker';
import pg from 'pg';
import { PgBoss } from 'pg-boss';

const { PEER, DATABASE_URL: connectionString, BODY } = process.env;
const count = Number(process.env.COUNT);

if (PEER === 'graphile-worker') {
  await runMigrations({ connectionString, logger: new Logger(() => () => {}) });
  const client = new pg.Client({ connectionString });
  await client.connect();
  await client.query(
    `SELECT graphile_worker.add_job('bench', $1::json) FROM generate_series(1, $2)`,
    [BODY, count],
  );
  await client.end();
} else if (PEER === 'pg-boss') {
  const boss = new PgBoss({ connectionString, supervise: false, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  await boss.createQueue('bench');
  const data = JSON.parse(BODY);
  for (let done = 0; done < count; done += 1000) {
    const size = Math.min(1000, count - done);
    await boss.insert(
      'bench',
      Array.from({ length: size }, () => ({ data })),
    );
  }
  await boss.stop({ graceful: false, wait: true });
} else {
  throw new Error(`unknown PEER "${PEER}"`);
}
