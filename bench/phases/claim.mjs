// Claim cost: the worker's own claim statement, read on the wire from a running ROLE=worker,
// timed server-side (EXPLAIN ANALYZE EXECUTE, inside a transaction rolled back) with a few due
// executions only, then again after adding BENCH_ROWS finished and BENCH_ROWS future ones.
import { config } from '../support/config.mjs';
import { fmt, median, ratio } from '../support/numbers.mjs';
import { countingClient, createScratchDatabase } from '../support/postgres.mjs';
import { startTriggerline } from '../support/processes.mjs';
import { createTrigger, deliver, deliverMany } from '../support/triggerline.mjs';
import { startWireCounter } from '../support/wire-counter.mjs';

const DUE = 20;

/** Starts a worker through the wire counter and answers the claim it runs for one webhook. */
async function readClaimOnTheWire(db, target, api, slug) {
  const counter = await startWireCounter(db.url);
  const worker = await startTriggerline({ databaseUrl: counter.url, role: 'worker' });
  try {
    target.reset();
    const stop = counter.record();
    const arrived = target.arrival(1);
    await deliver(api.baseUrl, slug, 'claim-probe');
    await arrived;
    const log = stop();
    const claim = log.find(
      (entry) =>
        /\bskip\s+locked\b/i.test(entry.sql ?? '') &&
        /\bupdate\s+executions\b/i.test(entry.sql) &&
        !/\bdelete\s+from\b/i.test(entry.sql),
    );
    if (!claim) {
      throw new Error('no claim (UPDATE executions … SKIP LOCKED) seen on the wire');
    }
    return claim;
  } finally {
    await worker.stop();
    await counter.close();
  }
}

const literal = (value) => (value === null ? 'NULL' : `'${String(value).replaceAll("'", "''")}'`);

/** Median server-side execution time of the claim, each run rolled back. */
async function timeClaim(client, claim) {
  const args = claim.params.map(literal).join(', ');
  const times = [];
  for (let i = 0; i < config.claimRepeat; i++) {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE bench_claim${args ? `(${args})` : ''}`,
    );
    await client.query('ROLLBACK');
    const plan = rows[0]['QUERY PLAN'][0];
    times.push(plan['Execution Time']);
  }
  return median(times);
}

export async function claimPhase({ target }) {
  const db = await createScratchDatabase('claim');
  const api = await startTriggerline({ databaseUrl: db.url, role: 'api' });
  let claim;
  try {
    const { slug } = await createTrigger(api.baseUrl, 'claim', target.url);
    claim = await readClaimOnTheWire(db, target, api, slug);
    // Due executions for the claim to take (again and again: every run is rolled back).
    await deliverMany(api.baseUrl, slug, 'due', DUE, 1);
  } finally {
    await api.stop();
  }

  const client = await countingClient(db.url);
  try {
    await client.query(`PREPARE bench_claim AS ${claim.sql}`);
    await client.query('VACUUM ANALYZE executions');
    const small = await timeClaim(client, claim);
    // Copies of a due execution made by the service, so every column has a value it wrote;
    // only what makes a row finished or future is changed.
    const fill = (status, dueAt, finished) =>
      client.query(
        `INSERT INTO executions
         SELECT clone.*
         FROM executions e, generate_series(1, $1) AS g,
              LATERAL jsonb_populate_record(e, jsonb_build_object(
                'id', gen_random_uuid(), 'idempotency_key', NULL, 'status', $2::text,
                'due_at', ${dueAt}, 'finished_at', ${finished}, 'updated_at', now(),
                'created_at', now() - interval '2 days' + g * interval '1 millisecond')) AS clone
         WHERE e.id = (SELECT id FROM executions WHERE status = 'pending' LIMIT 1)`,
        [config.rows, status],
      );
    const fillStarted = performance.now();
    await fill('succeeded', 'NULL', "now() - interval '1 day'");
    await fill('pending', "now() + interval '1 day'", 'NULL');
    await client.query('VACUUM ANALYZE executions');
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const { rows } = await client.query('SELECT count(*)::int AS n FROM executions');
    const large = await timeClaim(client, claim);
    return {
      name: 'claim',
      details: [
        [
          `claim with ${DUE} due executions`,
          `${fmt(small, 3)} ms`,
          `median of ${config.claimRepeat} EXPLAIN ANALYZE runs, rolled back; parameters ${JSON.stringify(claim.params)}`,
        ],
        [
          `the same + ${config.rows} finished + ${config.rows} future`,
          `${fmt(large, 3)} ms`,
          `${rows[0].n} rows in executions (added and vacuumed in ${fmt(fillSeconds)} s)`,
        ],
        [
          'claim statement (read on the wire from a ROLE=worker)',
          claim.sql.replace(/\s+/g, ' ').slice(0, 160) + '…',
          '',
        ],
      ],
      checks: [
        {
          target: `claim with ${config.rows} finished + ${config.rows} future rows ≤ 1.2 × empty`,
          measured: `${fmt(large, 3)} ms vs ${fmt(small, 3)} ms`,
          ratio: ratio(large, small),
          pass: ratio(large, small) <= 1.2,
        },
      ],
    };
  } finally {
    await client.end();
  }
}
