// `node --test bench/`: the wire counter against the local PostgreSQL (BENCH_DATABASE_URL),
// since the benchmark's statement counts and the SQL it hands pgbench and the claim phase
// come from it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { config } from './config.mjs';
import { startWireCounter } from './wire-counter.mjs';

let counter;
let client;

before(async () => {
  counter = await startWireCounter(config.serverUrl);
  client = new pg.Client({ connectionString: counter.url });
  await client.connect();
});

after(async () => {
  await client.end();
  await counter.close();
});

test('counts simple queries and reads their SQL', async () => {
  const before = counter.statements;
  const stop = counter.record();
  const { rows } = await client.query('SELECT 41 + 1 AS answer');
  assert.equal(rows[0].answer, 42);
  assert.equal(counter.statements - before, 1);
  assert.deepEqual(
    stop().map(({ sql, params }) => ({ sql, params })),
    [{ sql: 'SELECT 41 + 1 AS answer', params: [] }],
  );
});

test('reads named prepared statements and their parameters, also when parsed only once', async () => {
  const stop = counter.record();
  const query = { name: 'bench_probe', text: 'SELECT $1::text AS a, $2::int AS b' };
  await client.query({ ...query, values: ['x', null] });
  await client.query('SELECT $1::bytea AS c', [Buffer.from([0xca, 0xfe])]);
  const large = 'y'.repeat(200_000); // arrives in several chunks
  const { rows } = await client.query({ ...query, values: [large, 7] });
  assert.equal(rows[0].a.length, large.length);
  assert.deepEqual(
    stop().map(({ sql, params }) => ({ sql, params })),
    [
      { sql: query.text, params: ['x', null] },
      { sql: 'SELECT $1::bytea AS c', params: ['\\xcafe'] },
      { sql: query.text, params: [large, '7'] },
    ],
  );
});

test('counts a transaction as the statements it sends', async () => {
  const before = counter.statements;
  await client.query('BEGIN');
  await client.query('SELECT $1::int', [1]);
  await client.query('COMMIT');
  assert.equal(counter.statements - before, 3);
});
