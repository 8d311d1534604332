import { createHash, randomUUID } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import { Database, type Statement } from '../../apps/api/src/database/database';
import {
  DeliveriesStore,
  type NewRoutedDelivery,
  type RoutedDeliveryOutcome,
} from '../../apps/api/src/executions/deliveries.store';
import { HEADERS, PAYLOAD, payloadJoin } from '../../apps/api/src/executions/execution-payloads';
import {
  describeMedium,
  insertIdleTrigger,
  type MediumDatabase,
  openMediumDatabase,
  whileInsertIsUncommitted,
} from './medium-database';

const BATCH = 'executions_insert_routed_deliveries';
const ALONE = 'executions_insert_routed_delivery';
const COUNT_DUPLICATE = 'executions_count_routed_duplicate';
/** The router's own execution, two routes with payloads of their own and one sharing. */
const EXECUTIONS_PER_DELIVERY = 4;
/** Deliveries `inOneBatch` sends ahead of the batch, each alone. */
const FRONT = 2;

/** The real database, recording the name of each statement sent. */
class RecordingDatabase extends Database {
  readonly sent: string[] = [];

  override run<R extends QueryResultRow>(statement: Statement, values: unknown[] = []) {
    this.sent.push(statement.name);
    return super.run<R>(statement, values);
  }

  count(name: string): number {
    return this.sent.filter((sent) => sent === name).length;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();

// Routed ingestion's group commit (DeliveriesStore.recordRoutedDelivery, SPEC §14, §19):
// concurrent deliveries to routers share one statement whatever their routes, and each keeps
// its own answer: accepted with its executions, a duplicate listing its original's, or its error.
describeMedium('Routed ingest batching (deliveries store against PostgreSQL)', () => {
  let db: MediumDatabase;
  let database: RecordingDatabase;
  let sut: DeliveriesStore;
  let routerId: string;
  let targetIds: string[];
  let sharingId: string;

  const delivery = (
    key: string | null,
    body = `body of ${key}`,
    payload: unknown = { body },
  ): NewRoutedDelivery => ({
    triggerId: routerId,
    idempotencyKey: key,
    headers: { 'content-type': 'application/json' },
    bodySha256: sha256(body),
    depth: 0,
    traceParent: null,
    executions: [
      { triggerId: routerId, routedFrom: null, payload, rawBody: null, forwardedHeaders: null },
      ...targetIds.map((triggerId, i) => ({
        triggerId,
        routedFrom: routerId,
        payload: { route: i, payload },
        rawBody: Buffer.from(body),
        forwardedHeaders: i === 0 ? { 'x-route': String(i) } : null,
      })),
      // Nothing of its own to store: it shares the router's payload row (delivery_payloads).
      {
        triggerId: sharingId,
        routedFrom: routerId,
        payload,
        rawBody: null,
        forwardedHeaders: null,
      },
    ].map((execution) => ({ ...execution, orderingKey: key === null ? null : `order ${key}` })),
  });
  // Two deliveries leave at once, a batch each (the batches in flight); the rest wait together.
  const inOneBatch = (deliveries: NewRoutedDelivery[], store = sut) =>
    Promise.allSettled(
      [delivery(null, 'front 1'), delivery(null, 'front 2'), ...deliveries].map((d) =>
        store.recordRoutedDelivery(d),
      ),
    ).then((outcomes) => outcomes.slice(FRONT));
  const valueOf = (outcome: PromiseSettledResult<RoutedDeliveryOutcome>) => {
    if (outcome.status === 'rejected') {
      throw outcome.reason;
    }
    return outcome.value;
  };
  const executionsOf = (key: string) =>
    db.query<{ id: string; trigger_id: string; duplicates: number; conflicts: number }>(
      `SELECT e.id, e.trigger_id,
              (SELECT count(*)::int FROM duplicate_deliveries d WHERE d.execution_id = e.id)
                AS duplicates,
              (SELECT count(*)::int FROM duplicate_deliveries d
               WHERE d.execution_id = e.id AND d.conflict) AS conflicts
       FROM executions e WHERE e.idempotency_key = $1 ORDER BY e.routed_from NULLS FIRST`,
      [key],
    );

  /** Every execution of `sent` is stored whole; those with nothing of their own share a row. */
  const expectStoredWhole = async (sent: NewRoutedDelivery, executionIds: string[]) => {
    const stored = await db.query(
      `SELECT e.trigger_id, e.routed_from, e.idempotency_key, e.ordering_key,
              e.body_sha256, ${PAYLOAD} AS payload, p.raw_body, p.forwarded_headers,
              ${HEADERS} AS headers, p.execution_id IS NOT NULL AS has_own_row
       FROM unnest($1::uuid[]) WITH ORDINALITY AS ids(id, n)
       JOIN executions e USING (id) ${payloadJoin('e')}
       ORDER BY ids.n`,
      [executionIds],
    );
    const [shared] = sent.executions;
    const sharers = sent.executions.filter(
      (execution) =>
        execution.payload === shared.payload &&
        execution.rawBody === null &&
        execution.forwardedHeaders === null,
    );
    expect(sharers).toHaveLength(2);
    expect(stored).toEqual(
      sent.executions.map((execution) => ({
        trigger_id: execution.triggerId,
        routed_from: execution.routedFrom,
        idempotency_key: sent.idempotencyKey,
        ordering_key: execution.orderingKey,
        body_sha256: sent.bodySha256,
        payload: execution.payload,
        raw_body: execution.rawBody,
        forwarded_headers: execution.forwardedHeaders,
        headers: sent.headers,
        has_own_row: !sharers.includes(execution),
      })),
    );
    // The sharers' payload is stored once, in one row naming exactly them.
    const rows = await db.query<{ execution_ids: string[] }>(
      `SELECT dp.execution_ids FROM delivery_payloads dp
       WHERE dp.execution_ids && $1::uuid[]`,
      [executionIds],
    );
    expect(rows).toEqual([
      {
        execution_ids: executionIds.filter((_, n) => sharers.includes(sent.executions[n])),
      },
    ]);
  };

  beforeAll(async () => {
    db = await openMediumDatabase({ poolSize: 8 });
    const insertTrigger = (name: string) => insertIdleTrigger(db, name);
    routerId = await insertTrigger('router');
    targetIds = [await insertTrigger('crm'), await insertTrigger('agent')];
    sharingId = await insertTrigger('analytics');
  });
  beforeEach(async () => {
    database = new RecordingDatabase(db.pool, true);
    sut = new DeliveriesStore(database);
    await db.query(`DELETE FROM executions`);
    await db.query(`DELETE FROM routed_deliveries`);
    await db.query(`DELETE FROM delivery_payloads`);
  });
  afterAll(() => db.close());

  it('writes concurrent routed deliveries in one statement, each with all its executions', async () => {
    const deliveries = [
      ...Array.from({ length: 10 }, (_, i) => delivery(`fan-${i}`)),
      ...Array.from({ length: 5 }, (_, i) => delivery(null, `keyless ${i}`)),
    ];

    const outcomes = (await inOneBatch(deliveries)).map(valueOf);

    expect(database.sent).toEqual([ALONE, ALONE, BATCH]);
    for (const [i, outcome] of outcomes.entries()) {
      expect(outcome).toEqual({ kind: 'accepted', executionIds: expect.any(Array) });
      await expectStoredWhole(deliveries[i], outcome.executionIds);
    }
    const anchors = await db.query<{ idempotency_key: string; execution_ids: string[] }>(
      `SELECT idempotency_key, execution_ids FROM routed_deliveries ORDER BY idempotency_key`,
    );
    expect(anchors).toEqual(
      outcomes
        .filter((_, i) => deliveries[i].idempotencyKey !== null)
        .map((outcome, i) => ({ idempotency_key: `fan-${i}`, execution_ids: outcome.executionIds }))
        .sort((a, b) => a.idempotency_key.localeCompare(b.idempotency_key)),
    );
  });

  it('answers a key repeated in the batch or already stored as a duplicate listing the original’s executions', async () => {
    const alone = delivery('stored', 'same');
    const stored = await sut.recordRoutedDelivery(alone);
    expect(database.sent).toEqual([ALONE]);
    await expectStoredWhole(alone, stored.executionIds);
    database.sent.length = 0;
    const deliveries = [
      delivery('twice', 'first'),
      delivery('stored', 'same'),
      delivery('twice', 'second'),
      delivery('new'),
      delivery('stored', 'other'),
    ];

    const [first, storedSame, second, fresh, storedOther] = (await inOneBatch(deliveries)).map(
      valueOf,
    );

    expect(database.count(BATCH)).toBe(1);
    expect(fresh).toEqual({ kind: 'accepted', executionIds: expect.any(Array) });
    expect(fresh.executionIds).toHaveLength(EXECUTIONS_PER_DELIVERY);
    // The batch's first delivery of a key (in its sorted order) is the original.
    expect(first).toEqual({ kind: 'accepted', executionIds: expect.any(Array) });
    expect(second).toEqual({
      kind: 'duplicate',
      executionIds: first.executionIds,
      conflict: true,
    });
    expect([storedSame, storedOther]).toEqual([
      { kind: 'duplicate', executionIds: stored.executionIds, conflict: false },
      { kind: 'duplicate', executionIds: stored.executionIds, conflict: true },
    ]);
    expect(database.count(COUNT_DUPLICATE)).toBe(3);
    const twice = await executionsOf('twice');
    expect(twice.map((row) => row.id).sort()).toEqual(first.executionIds.toSorted());
    // A duplicate counts against its original's first execution, the router's own.
    expect(
      twice.map(({ id, duplicates, conflicts }) => [
        id === first.executionIds[0],
        duplicates,
        conflicts,
      ]),
    ).toEqual([
      [true, 1, 1],
      [false, 0, 0],
      [false, 0, 0],
      [false, 0, 0],
    ]);
    expect((await executionsOf('stored'))[0]).toMatchObject({ duplicates: 2, conflicts: 1 });
  });

  it('keeps a poisoned delivery’s error its own: the rest of its batch is accepted', async () => {
    const poisoned = delivery('nul', 'nul', { text: 'a\u0000b' });
    const deliveries = [delivery('a'), poisoned, delivery('b'), delivery(null)];

    const [a, nul, b, keyless] = await inOneBatch(deliveries);

    expect(database.count(BATCH)).toBe(1);
    expect(database.count(ALONE)).toBe(FRONT + deliveries.length);
    for (const outcome of [a, b, keyless]) {
      expect(valueOf(outcome).executionIds).toHaveLength(EXECUTIONS_PER_DELIVERY);
    }
    expect(nul).toEqual({ status: 'rejected', reason: expect.objectContaining({ code: '22P05' }) });
    expect(await executionsOf('nul')).toEqual([]);
  });

  it('never deadlocks two processes whose batches hold the same keys in opposite orders', async () => {
    const other = new RecordingDatabase(db.pool, true);
    const otherStore = new DeliveriesStore(other);
    const keys = Array.from({ length: 30 }, (_, i) => `order-${String(i).padStart(2, '0')}`);
    // An uncommitted delivery of a key in the middle stops both batches there, each holding the
    // keys it wrote first: unordered, each would then wait for a key the other holds.
    const [mine, theirs] = await whileInsertIsUncommitted(
      db,
      {
        sql: `INSERT INTO routed_deliveries (trigger_id, idempotency_key, execution_ids,
                                          body_sha256)
              VALUES ($1, $2, ARRAY[$3::uuid], '\\x00')`,
        params: [routerId, keys[15], randomUUID()],
        waiters: 2,
      },
      () =>
        Promise.all([
          inOneBatch(keys.map((key) => delivery(key))),
          inOneBatch(
            keys.toReversed().map((key) => delivery(key)),
            otherStore,
          ),
        ]),
    );

    // A deadlock would have failed a batch, whose deliveries would then have gone alone.
    expect(database.count(ALONE) + other.count(ALONE)).toBe(2 * FRONT);
    for (const [i, key] of keys.entries()) {
      const answers = [valueOf(mine[i]), valueOf(theirs[keys.length - 1 - i])];
      expect(answers.map((answer) => answer.kind).sort()).toEqual(['accepted', 'duplicate']);
      expect(answers[0].executionIds).toEqual(answers[1].executionIds);
      expect(await executionsOf(key)).toHaveLength(EXECUTIONS_PER_DELIVERY);
    }
  });
});
