import { createHash } from 'node:crypto';
import type { AttemptReconciliation } from '@triggerline/contracts';
import { OperatorVerbsStore } from '../../apps/api/src/executions/operator-verbs.store';
import { ReconciliationsStore } from '../../apps/api/src/executions/reconciliations.store';
import { describeMedium, type MediumDatabase, openMediumDatabase } from './medium-database';
import { CountingDatabase, engineStores } from './medium-engine';

const WORKER_A = 'medium-worker-a';
const WORKER_B = 'medium-worker-b';
const LEASE_MS = 30_000;

const answer = (tries: number): AttemptReconciliation => ({
  askedAt: '2030-01-01T00:00:00.000Z',
  tries,
  result: 'sent',
  detail: 'Delivered',
});

// SPEC §15: a reconciliation is asked by one worker at a time and written once.
describeMedium('Reconciliations (the store against PostgreSQL, two workers)', () => {
  let db: MediumDatabase;
  let database: CountingDatabase;
  let sut: ReconciliationsStore;
  let triggerId: string;
  let events = 0;

  // An execution whose one attempt got no answer, due to be asked about now.
  const unknownExecution = async (): Promise<string> => {
    const { executionId } = await engineStores(database).deliveries.recordDelivery({
      triggerId,
      idempotencyKey: null,
      payload: { phone: '5511' },
      headers: {},
      bodySha256: createHash('sha256').update(String(++events)).digest(),
      depth: 0,
    });
    await db.query(
      `UPDATE executions SET status = 'outcome_unknown', attempt_count = 1, due_at = NULL,
              last_error = 'Timed out', error_category = 'transient' WHERE id = $1`,
      [executionId],
    );
    await db.query(
      `INSERT INTO attempts (execution_id, number, worker_id, started_at, finished_at,
                             duration_ms, outcome)
       VALUES ($1, 1, 'w', now(), now(), 300, 'unknown')`,
      [executionId],
    );
    await sut.schedule(database, { executionId, afterMs: 0 });
    return executionId;
  };
  const rowOf = async (id: string) =>
    (
      await db.query(
        `SELECT e.status, e.lease_owner, e.reconcile_tries, a.reconciliation
         FROM executions e JOIN attempts a ON a.execution_id = e.id AND a.number = 1
         WHERE e.id = $1`,
        [id],
      )
    )[0];
  const settleSucceeded = (
    claimed: Awaited<ReturnType<ReconciliationsStore['claimDue']>>[number],
    workerId: string,
  ) =>
    database.transaction((sql) =>
      sut.settle(sql, {
        claimed,
        workerId,
        answer: answer(claimed.tries),
        state: { status: 'succeeded' },
      }),
    );

  beforeAll(async () => {
    db = await openMediumDatabase();
    const [row] = await db.query(
      `INSERT INTO triggers (name, slug, action, retry_policy, idempotency_key_paths)
       VALUES ('wa', 'wa', $1, $2, '{}') RETURNING id`,
      [
        JSON.stringify({
          type: 'whatsapp',
          baseUrl: 'http://127.0.0.1:9',
          apiKey: null,
          toPath: 'phone',
          textTemplate: 'Hi',
          timeoutMs: 5000,
        }),
        JSON.stringify({ maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 1000, jitterMs: 0 }),
      ],
    );
    triggerId = row.id;
  });
  beforeEach(async () => {
    database = new CountingDatabase(db.pool, true);
    sut = new ReconciliationsStore(database);
    await db.query(`DELETE FROM executions`);
  });
  afterAll(() => db.close());

  it('hands a due execution to one of two workers claiming at once', async () => {
    const id = await unknownExecution();
    const [a, b] = await Promise.all([
      sut.claimDue({ workerId: WORKER_A, leaseMs: LEASE_MS, limit: 10 }),
      sut.claimDue({ workerId: WORKER_B, leaseMs: LEASE_MS, limit: 10 }),
    ]);
    expect([...a, ...b].map((claimed) => claimed.id)).toEqual([id]);
    expect([...a, ...b][0]).toMatchObject({ attempt: 1, tries: 1, triggerSlug: 'wa' });
    expect(database.sent).toContain('executions_claim_reconciliations');
    // Its lease runs: neither worker finds it due again meanwhile.
    expect(await sut.claimDue({ workerId: WORKER_B, leaseMs: LEASE_MS, limit: 10 })).toEqual([]);
    expect((await sut.nextDueAt())!.getTime()).toBeGreaterThan(Date.now());
  });

  it('writes nothing for a worker whose lease lapsed; the one that took over settles once', async () => {
    const id = await unknownExecution();
    const [byA] = await sut.claimDue({ workerId: WORKER_A, leaseMs: LEASE_MS, limit: 10 });
    // A's lease lapses (taken over in SQL: the clock is the database's).
    await db.query(`UPDATE executions SET reconcile_at = now() - interval '1 second'`);
    const [byB] = await sut.claimDue({ workerId: WORKER_B, leaseMs: LEASE_MS, limit: 10 });
    expect(byB).toMatchObject({ id, tries: 2 });

    expect(await settleSucceeded(byA, WORKER_A)).toBe(false);
    expect(await rowOf(id)).toMatchObject({ status: 'outcome_unknown', reconciliation: null });
    expect(await settleSucceeded(byB, WORKER_B)).toBe(true);
    expect(await rowOf(id)).toEqual({
      status: 'succeeded',
      lease_owner: null,
      reconcile_tries: 2,
      reconciliation: answer(2),
    });
    expect(await settleSucceeded(byB, WORKER_B)).toBe(false);
  });

  it("lets an operator's confirmation meanwhile win over the worker's answer", async () => {
    const id = await unknownExecution();
    const [claimed] = await sut.claimDue({ workerId: WORKER_A, leaseMs: LEASE_MS, limit: 10 });
    const confirmed = await database.transaction((sql) =>
      new OperatorVerbsStore(database).confirm(sql, { executionId: id, delivered: false }),
    );
    expect(confirmed).toMatchObject({ kind: 'confirmed', status: 'dead_lettered' });
    expect(await settleSucceeded(claimed, WORKER_A)).toBe(false);
    expect(await rowOf(id)).toEqual({
      status: 'dead_lettered',
      lease_owner: null,
      reconcile_tries: 1,
      reconciliation: null,
    });
  });

  it('asks again later, or stops asking, keeping the execution unknown', async () => {
    const id = await unknownExecution();
    const [claimed] = await sut.claimDue({ workerId: WORKER_A, leaseMs: LEASE_MS, limit: 10 });
    await database.transaction((sql) =>
      sut.settle(sql, {
        claimed,
        workerId: WORKER_A,
        answer: { ...answer(1), result: 'not_found', detail: 'unknown id' },
        state: { status: 'outcome_unknown', error: 'asking again', askAgainInMs: 60_000 },
      }),
    );
    const [row] = await db.query(
      `SELECT status, lease_owner, last_error, reconcile_at > now() + interval '50 seconds' AS later
       FROM executions WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({
      status: 'outcome_unknown',
      lease_owner: null,
      last_error: 'asking again',
      later: true,
    });
    await db.query(`UPDATE executions SET reconcile_at = now() WHERE id = $1`, [id]);
    const [again] = await sut.claimDue({ workerId: WORKER_B, leaseMs: LEASE_MS, limit: 10 });
    await database.transaction((sql) =>
      sut.settle(sql, {
        claimed: again,
        workerId: WORKER_B,
        answer: { ...answer(2), result: 'unavailable', detail: 'HTTP 500' },
        state: { status: 'outcome_unknown', error: 'confirm by hand', askAgainInMs: null },
      }),
    );
    expect(await sut.nextDueAt()).toBeNull();
    expect(await sut.claimDue({ workerId: WORKER_A, leaseMs: 0, limit: 10 })).toEqual([]);
  });
});
