import { createHash, randomUUID } from 'node:crypto';
import type { QueryResultRow } from 'pg';
import { Database, type Statement } from '../../apps/api/src/database/database';
import {
  DeliveriesStore,
  type DeliveryOutcome,
  type NewDelivery,
} from '../../apps/api/src/executions/deliveries.store';
import { toErrorResponse } from '../../apps/api/src/http/error-response';
import {
  describeMedium,
  insertIdleTrigger,
  type MediumDatabase,
  openMediumDatabase,
  whileInsertIsUncommitted,
} from './medium-database';

const BATCH = 'executions_insert_deliveries';
const ALONE = 'executions_insert_delivery';
/** Deliveries `inOneBatch` sends ahead of the batch, each alone. */
const FRONT = 2;
const COUNT_DUPLICATE = 'executions_count_duplicate';
const KNOWN = 'duplicate_deliveries_count_known';

/** The real database, recording each statement (a batch with its keys) and able to step in. */
class RecordingDatabase extends Database {
  readonly sent: { name: string; keys?: (string | null)[] }[] = [];
  /** Runs before a statement is sent (to make something happen between two statements). */
  before: (name: string) => Promise<void> = () => Promise.resolve();

  override run<R extends QueryResultRow>(statement: Statement, values: unknown[] = []) {
    this.sent.push(
      statement.name === BATCH
        ? { name: statement.name, keys: values[2] as (string | null)[] }
        : { name: statement.name },
    );
    return this.before(statement.name).then(() => super.run<R>(statement, values));
  }

  batches(): (string | null)[][] {
    return this.sent.filter((s) => s.name === BATCH).map((s) => s.keys!);
  }

  count(name: string): number {
    return this.sent.filter((s) => s.name === name).length;
  }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest();
const keyOf = (delivery: NewDelivery) => delivery.idempotencyKey;
/** A batch's keys regardless of their order. */
const keySet = (keys: (string | null)[]) => keys.map(String).sort();

// Ingestion's group commit (DeliveriesStore.recordDelivery) against PostgreSQL: concurrent
// deliveries share one INSERT; duplicates, conflicts and failures stay each delivery's own.
describeMedium('Ingest batching (executions store against PostgreSQL)', () => {
  let db: MediumDatabase;
  let database: RecordingDatabase;
  let sut: DeliveriesStore;
  let triggerId: string;

  const delivery = (
    key: string | null,
    body = `body of ${key}`,
    overrides: Partial<NewDelivery> = {},
  ): NewDelivery => ({
    triggerId,
    idempotencyKey: key,
    payload: { body },
    headers: { 'content-type': 'application/json' },
    bodySha256: sha256(body),
    depth: 0,
    ...overrides,
  });
  // The first two deliveries of a burst leave at once (a batch each), the rest wait and leave
  // together: two keyless ones in front make sure the ones under test share a batch.
  // Two deliveries go first, each alone (the batches in flight), and the rest wait together.
  const inOneBatch = (deliveries: NewDelivery[], store = sut) =>
    Promise.allSettled(
      [delivery(null, 'front 1'), delivery(null, 'front 2'), ...deliveries].map((d) =>
        store.recordDelivery(d),
      ),
    ).then((outcomes) => outcomes.slice(2));
  const valueOf = (outcome: PromiseSettledResult<DeliveryOutcome>): DeliveryOutcome => {
    if (outcome.status === 'rejected') {
      throw outcome.reason;
    }
    return outcome.value;
  };
  const executionsWithKey = (key: string) =>
    db.query<{ id: string; duplicates: number; conflicts: number }>(
      `SELECT e.id,
              (SELECT count(*)::int FROM duplicate_deliveries d WHERE d.execution_id = e.id)
                AS duplicates,
              (SELECT count(*)::int FROM duplicate_deliveries d
               WHERE d.execution_id = e.id AND d.conflict) AS conflicts
       FROM executions e WHERE e.trigger_id = $1 AND e.idempotency_key = $2`,
      [triggerId, key],
    );

  beforeAll(async () => {
    db = await openMediumDatabase({ poolSize: 8 });
    triggerId = await insertIdleTrigger(db, 'ingest');
  });
  beforeEach(async () => {
    database = new RecordingDatabase(db.pool, true);
    sut = new DeliveriesStore(database);
    await db.query(`DELETE FROM executions`);
  });
  afterAll(() => db.close());

  it('writes a delivery at idle at once, alone, and stores it whole', async () => {
    const pending = sut.recordDelivery(
      delivery('idle-1', 'the body', { headers: { 'x-a': '1' }, depth: 2 }),
    );
    // Sent before recordDelivery even yielded: no timer, no waiting for company.
    expect(database.sent).toEqual([{ name: ALONE }]);

    const outcome = await pending;

    expect(outcome).toEqual({ kind: 'accepted', executionId: expect.any(String) });
    const [row] = await db.query(
      `SELECT e.status, e.idempotency_key, e.body_sha256, e.depth, e.due_at IS NOT NULL AS is_due,
              p.payload, p.headers
       FROM executions e JOIN execution_payloads p ON p.execution_id = e.id WHERE e.id = $1`,
      [outcome.executionId],
    );
    expect(row).toEqual({
      status: 'pending',
      idempotency_key: 'idle-1',
      body_sha256: sha256('the body'),
      depth: 2,
      is_due: true,
      payload: { body: 'the body' },
      headers: { 'x-a': '1' },
    });
    expect(database.sent).toEqual([{ name: ALONE }]);
  });

  it('inserts one execution per key when a batch repeats keys, the rest duplicates of it', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `key-${i}`);
    // Each key three times, interleaved with keyless deliveries; the third body differs.
    const deliveries = [0, 1, 2].flatMap((copy) => [
      ...keys.map((key) => delivery(key, copy === 2 ? `other ${key}` : `same ${key}`)),
      ...Array.from({ length: 4 }, (_, i) => delivery(null, `keyless ${copy}-${i}`)),
    ]);

    const outcomes = (await inOneBatch(deliveries)).map(valueOf);

    const batches = database.batches();
    const shared = batches.find((batch) => batch.includes('key-0'))!;
    expect(shared.filter((key) => key === 'key-0')).toHaveLength(3);
    expect(database.count(ALONE)).toBe(FRONT);
    for (const key of keys) {
      const answers = outcomes.filter((_, i) => deliveries[i].idempotencyKey === key);
      const accepted = answers.filter((answer) => answer.kind === 'accepted');
      expect(accepted).toHaveLength(1);
      const winner = deliveries[outcomes.indexOf(accepted[0])];
      for (const [i, answer] of outcomes.entries()) {
        if (deliveries[i].idempotencyKey !== key || answer === accepted[0]) {
          continue;
        }
        expect(answer).toEqual({
          kind: 'duplicate',
          executionId: accepted[0].executionId,
          conflict: !deliveries[i].bodySha256.equals(winner.bodySha256),
        });
      }
      const rows = await executionsWithKey(key);
      expect(rows).toEqual([{ id: accepted[0].executionId, duplicates: 2, conflicts: 1 }]);
    }
    const keyless = outcomes.filter((_, i) => deliveries[i].idempotencyKey === null);
    expect(keyless.every((answer) => answer.kind === 'accepted')).toBe(true);
    expect(new Set(keyless.map((answer) => answer.executionId)).size).toBe(keyless.length);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM executions`);
    expect(n).toBe(2 + keys.length + keyless.length);
    expect(database.count(COUNT_DUPLICATE)).toBe(2 * keys.length);
  });

  it('keeps a poisoned delivery’s error its own: the rest of its batch is accepted', async () => {
    const poisoned = delivery('nul', 'nul', { payload: { text: 'a\u0000b' } });
    const orphan = delivery('orphan', 'orphan', { triggerId: randomUUID() });
    const deliveries = [
      delivery('a'),
      poisoned,
      delivery('b'),
      orphan,
      delivery('dup', 'first'),
      delivery('dup', 'second'),
      delivery(null),
    ];

    const outcomes = await inOneBatch(deliveries);

    expect(database.batches().map(keySet)).toContainEqual(keySet(deliveries.map(keyOf)));
    expect(database.count(ALONE)).toBe(FRONT + deliveries.length);
    const [a, nul, b, missing, dupFirst, dupSecond, keyless] = outcomes;
    for (const outcome of [a, b, keyless]) {
      expect(valueOf(outcome)).toEqual({ kind: 'accepted', executionId: expect.any(String) });
    }
    // Alone, the two deliveries of one key race: either may be the original.
    const dup = [valueOf(dupFirst), valueOf(dupSecond)];
    const original = dup.find((outcome) => outcome.kind === 'accepted')!;
    expect(dup).toContainEqual({
      kind: 'duplicate',
      executionId: original.executionId,
      conflict: true,
    });
    // Each failure is the one it gets alone, at idle, so the API answers it as before.
    const alone = await Promise.all(
      [poisoned, orphan].map((d) =>
        sut.recordDelivery(d).then(
          () => null,
          (e: unknown) => e,
        ),
      ),
    );
    expect(nul).toEqual({ status: 'rejected', reason: expect.objectContaining({ code: '22P05' }) });
    expect(missing).toEqual({
      status: 'rejected',
      reason: expect.objectContaining({ code: '23503' }),
    });
    const [nulError, missingError] = [nul, missing].map(
      (outcome) => (outcome as PromiseRejectedResult).reason as unknown,
    );
    expect(alone.map((error) => (error as { code: string }).code)).toEqual(['22P05', '23503']);
    expect(toErrorResponse(nulError)).toEqual(toErrorResponse(alone[0]));
    expect(toErrorResponse(missingError)).toEqual(toErrorResponse(alone[1]));
    expect(await executionsWithKey('nul')).toEqual([]);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM executions`);
    expect(n).toBe(2 + 4);
  });

  it('counts a duplicate of a stored original in the statement that tried to insert it, at idle', async () => {
    const original = await sut.recordDelivery(delivery('stored', 'same'));
    // Another process: it does not know the original (see the next test for one that does).
    const other = new DeliveriesStore(database);
    database.sent.length = 0;

    const alone = await other.recordDelivery(delivery('stored', 'other'));
    const batched = (
      await inOneBatch([delivery('stored', 'same'), delivery('new')], new DeliveriesStore(database))
    ).map(valueOf);

    expect(alone).toEqual({
      kind: 'duplicate',
      executionId: original.executionId,
      conflict: true,
    });
    expect(batched).toEqual([
      { kind: 'duplicate', executionId: original.executionId, conflict: false },
      { kind: 'accepted', executionId: expect.any(String) },
    ]);
    // Alone, one statement; in a batch, counted afterwards (see COUNT_STORED_ORIGINALS).
    expect(database.count(COUNT_DUPLICATE)).toBe(1);
    expect(database.count(BATCH)).toBe(1);
    expect(await executionsWithKey('stored')).toEqual([
      { id: original.executionId, duplicates: 2, conflicts: 1 },
    ]);
  });

  it('counts repeated keys of originals it stored or met in one shared insert, looking nothing up', async () => {
    const first = await sut.recordDelivery(delivery('known-1', 'same'));
    // An original stored by another process, met once as a duplicate here.
    const second = await new DeliveriesStore(database).recordDelivery(delivery('known-2', 'same'));
    await sut.recordDelivery(delivery('known-2', 'same'));
    database.sent.length = 0;
    const repeats = Array.from({ length: 10 }, (_, i) =>
      delivery(i % 2 === 0 ? 'known-1' : 'known-2', i === 3 ? 'other' : 'same'),
    );

    const outcomes = (await Promise.all(repeats.map((d) => sut.recordDelivery(d)))).map(
      (outcome, i) => [i, outcome],
    );

    expect(outcomes).toEqual(
      repeats.map((d, i) => [
        i,
        {
          kind: 'duplicate',
          executionId: (d.idempotencyKey === 'known-1' ? first : second).executionId,
          conflict: i === 3,
        },
      ]),
    );
    // Two leave at once (the batches in flight), the other eight together.
    expect(database.sent).toEqual([{ name: KNOWN }, { name: KNOWN }, { name: KNOWN }]);
    expect(await executionsWithKey('known-1')).toEqual([
      { id: first.executionId, duplicates: 5, conflicts: 0 },
    ]);
    expect(await executionsWithKey('known-2')).toEqual([
      { id: second.executionId, duplicates: 6, conflicts: 1 },
    ]);
  });

  it('stores a delivery anew when the original it knew was erased since', async () => {
    const erased = await sut.recordDelivery(delivery('erased'));
    await db.query(`DELETE FROM executions WHERE id = $1`, [erased.executionId]); // an erasure
    database.sent.length = 0;

    const again = await sut.recordDelivery(delivery('erased'));
    const repeated = await sut.recordDelivery(delivery('erased'));

    expect(again).toEqual({ kind: 'accepted', executionId: expect.any(String) });
    expect(again.executionId).not.toBe(erased.executionId);
    expect(repeated).toEqual({
      kind: 'duplicate',
      executionId: again.executionId,
      conflict: false,
    });
    // The count of the known duplicate failed (its original is gone); the new one is known.
    expect(database.sent.map((sent) => sent.name)).toEqual([KNOWN, ALONE, KNOWN]);
    expect(await executionsWithKey('erased')).toEqual([
      { id: again.executionId, duplicates: 1, conflicts: 0 },
    ]);
  });

  it('inserts again when the original is deleted between the insert and the duplicate count', async () => {
    // An original of the same batch is invisible to the statement: the duplicate is counted
    // afterwards (COUNT_DUPLICATE), and retention deletes the original just before.
    database.before = async (name) => {
      if (name === COUNT_DUPLICATE) {
        database.before = () => Promise.resolve();
        await db.query(`DELETE FROM executions WHERE idempotency_key = 'gone'`); // retention
      }
    };

    const outcomes = (await inOneBatch([delivery('gone'), delivery('gone')])).map(valueOf);

    // Both accepted: the original of the batch, then the duplicate inserted again after it.
    expect(outcomes).toEqual([
      { kind: 'accepted', executionId: expect.any(String) },
      { kind: 'accepted', executionId: expect.any(String) },
    ]);
    expect(outcomes[0].executionId).not.toBe(outcomes[1].executionId);
    expect(database.sent.map((s) => s.name).slice(-3)).toEqual([BATCH, COUNT_DUPLICATE, ALONE]);
    const [remaining] = await executionsWithKey('gone');
    expect(outcomes.map((outcome) => outcome.executionId)).toContain(remaining.id);
    expect(remaining).toMatchObject({ duplicates: 0, conflicts: 0 });
  });

  it('works with prepared statements switched off (DATABASE_PREPARED_STATEMENTS=false)', async () => {
    const unnamed = new RecordingDatabase(db.pool, false);
    const store = new DeliveriesStore(unnamed);
    const deliveries = ['x', 'y', 'x', 'z', 'y'].map((key) => delivery(key));

    const outcomes = (await inOneBatch(deliveries, store)).map(valueOf);

    expect(unnamed.batches().map(keySet)).toContainEqual(keySet(deliveries.map(keyOf)));
    expect(outcomes.map((outcome) => outcome.kind)).toEqual([
      'accepted',
      'accepted',
      'duplicate',
      'accepted',
      'duplicate',
    ]);
    expect(outcomes[2].executionId).toBe(outcomes[0].executionId);
    expect(outcomes[4].executionId).toBe(outcomes[1].executionId);
  });

  it('never deadlocks two processes whose batches hold the same keys in opposite orders', async () => {
    const other = new RecordingDatabase(db.pool, true);
    const otherStore = new DeliveriesStore(other);
    const keys = Array.from({ length: 40 }, (_, i) => `order-${String(i).padStart(2, '0')}`);
    // An uncommitted insert of a key in the middle stops both batches there, each holding the
    // keys it wrote first: unordered, each would then wait for a key the other holds.
    const [mine, theirs] = await whileInsertIsUncommitted(
      db,
      {
        sql: `INSERT INTO executions (trigger_id, status, idempotency_key)
              VALUES ($1, 'pending', $2)`,
        params: [triggerId, keys[20]],
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
    const byKey = new Map<string, DeliveryOutcome[]>();
    for (const [i, outcome] of mine.entries()) {
      byKey.set(keys[i], [valueOf(outcome)]);
    }
    for (const [i, outcome] of theirs.entries()) {
      byKey.get(keys[keys.length - 1 - i])!.push(valueOf(outcome));
    }
    for (const [key, answers] of byKey) {
      expect(answers.map((answer) => answer.kind).sort()).toEqual(['accepted', 'duplicate']);
      expect(answers[0].executionId).toBe(answers[1].executionId);
      expect(await executionsWithKey(key)).toHaveLength(1);
    }
  });
});
