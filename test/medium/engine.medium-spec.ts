import type { AttemptRecord, Completion } from '../../apps/api/src/executions/engine-types';
import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { Database } from '../../apps/api/src/database/database';
import { Completer } from '../../apps/api/src/dispatch/completer';
import { loadConfig } from '../../apps/api/src/config/config.module';
import { HttpTarget } from '../support/http-target';
import { waitFor } from '../support/test-app';
import { describeMedium, type MediumDatabase, openMediumDatabase } from './medium-database';
import {
  CountingDatabase,
  type EngineStores,
  engineStores,
  FakeClock,
  type MediumWorker,
  startWorker,
} from './medium-engine';

const WORKER_A = 'medium-worker-a';
const WORKER_B = 'medium-worker-b';
const LEASE_MS = 30_000;
const T0 = Date.parse('2030-01-01T00:00:00.000Z');

const renewals = (database: CountingDatabase) =>
  database.sent.includes('executions_renew_leases') ? ['executions_renew_leases'] : [];

describeMedium('Engine (stores and dispatch against PostgreSQL)', () => {
  let db: MediumDatabase;
  let database: CountingDatabase;
  let sut: EngineStores;
  let target: HttpTarget;
  let triggerId: string;

  const deliver = async (count: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const outcome = await sut.deliveries.recordDelivery({
        triggerId,
        idempotencyKey: null,
        payload: { i },
        headers: {},
        bodySha256: createHash('sha256').update(String(i)).digest(),
        depth: 0,
      });
      ids.push(outcome.executionId);
    }
    return ids;
  };
  const rowOf = async (id: string) =>
    (
      await db.query(
        `SELECT status, lease_owner, attempt_count, due_at,
                (SELECT count(*)::int FROM attempts a WHERE a.execution_id = e.id) AS attempts
         FROM executions e WHERE id = $1`,
        [id],
      )
    )[0];
  const attempt = (number: number, workerId: string): AttemptRecord => ({
    number,
    workerId,
    startedAt: new Date(T0),
    finishedAt: new Date(T0 + 25),
    outcome: 'success',
    httpStatus: 200,
    error: null,
    responseExcerpt: 'ok',
  });
  const success = (executionId: string, workerId: string, number = 1): Completion => ({
    executionId,
    workerId,
    attempt: attempt(number, workerId),
    transition: { status: 'succeeded' },
  });

  beforeAll(async () => {
    db = await openMediumDatabase();
    target = await HttpTarget.start();
    const [row] = await db.query(
      `INSERT INTO triggers (name, slug, action, retry_policy, idempotency_key_paths)
       VALUES ('medium', 'medium', $1, $2, '{}') RETURNING id`,
      [
        JSON.stringify({
          type: 'http',
          url: target.url,
          method: 'POST',
          headers: null,
          timeoutMs: 5000,
        }),
        JSON.stringify({ maxAttempts: 3, baseDelayMs: 60_000, maxDelayMs: 60_000, jitterMs: 0 }),
      ],
    );
    triggerId = row.id;
  });
  beforeEach(async () => {
    database = new CountingDatabase(db.pool, true);
    sut = engineStores(database);
    await db.query(`DELETE FROM executions`);
    target.respondInTurn(200);
  });
  afterAll(async () => {
    await target.close();
    await db.close();
  });

  describe('claim', () => {
    it('claims a batch in due order for one worker and answers the next due time with it', async () => {
      const ids = await deliver(5);
      const [later] = await deliver(1);
      await db.query(`UPDATE executions SET due_at = now() + interval '1 hour' WHERE id = $1`, [
        later,
      ]);

      database.sent.length = 0;

      const first = await sut.gate.claim({ limit: 3, workerId: WORKER_A, leaseMs: LEASE_MS });

      expect(first.executions.map((e) => e.id).sort()).toEqual(ids.slice(0, 3).sort());
      expect(first.executions.every((e) => e.attempt === 1 && e.reclaimedFrom === null)).toBe(true);
      const [{ due_at: laterDueAt }] = await db.query(
        `SELECT due_at FROM executions WHERE id = $1`,
        [later],
      );
      expect(first.nextDueAt).toEqual(laterDueAt);
      expect(database.sent).toEqual(['executions_claim_3']);

      const second = await sut.gate.claim({ limit: 10, workerId: WORKER_B, leaseMs: LEASE_MS });

      expect(second.executions.map((e) => e.id).sort()).toEqual(ids.slice(3).sort());
      // Now the earliest future time is a lease of worker A's.
      expect(second.nextDueAt!.getTime()).toBeLessThan(laterDueAt.getTime());
      for (const id of ids.slice(0, 3)) {
        expect(await rowOf(id)).toMatchObject({ status: 'running', lease_owner: WORKER_A });
      }
      expect(database.sent).toEqual(['executions_claim_3', 'executions_claim_10']);
    });

    it('answers no executions and no next due time when nothing waits', async () => {
      expect(await sut.gate.claim({ limit: 5, workerId: WORKER_A, leaseMs: LEASE_MS })).toEqual({
        executions: [],
        nextDueAt: null,
        isMoreDue: false,
      });
    });

    it('reclaims an execution whose lease expired, saying from whom', async () => {
      const [id] = await deliver(1);
      await sut.gate.claim({ limit: 1, workerId: WORKER_A, leaseMs: LEASE_MS });
      await db.query(`UPDATE executions SET due_at = now() - interval '1 second' WHERE id = $1`, [
        id,
      ]);

      const { executions } = await sut.gate.claim({
        limit: 1,
        workerId: WORKER_B,
        leaseMs: LEASE_MS,
      });

      expect(executions).toHaveLength(1);
      expect(executions[0]).toMatchObject({ id, attempt: 2 });
      expect(executions[0].reclaimedFrom?.workerId).toBe(WORKER_A);
    });
  });

  describe('release', () => {
    it('puts executions claimed ahead back as they were, due now, without an attempt spent', async () => {
      const [lost] = await deliver(1);
      await sut.gate.claim({ limit: 1, workerId: WORKER_B, leaseMs: LEASE_MS });
      await db.query(`UPDATE executions SET due_at = now() - interval '1 second' WHERE id = $1`, [
        lost,
      ]);
      const [fresh, retried] = await deliver(2);
      await db.query(
        `UPDATE executions SET status = 'failed_retryable', attempt_count = 1,
                due_at = now() - interval '1 second' WHERE id = $1`,
        [retried],
      );
      const before = await db.query(
        `SELECT id, status, lease_owner, attempt_count, updated_at FROM executions ORDER BY id`,
      );
      const { executions } = await sut.gate.claim({
        limit: 1,
        ahead: 2,
        workerId: WORKER_A,
        leaseMs: LEASE_MS,
      });
      expect(executions.map((e) => e.id).sort()).toEqual([fresh, retried, lost].sort());

      expect(await sut.claims.release({ executions, workerId: WORKER_A })).toBe(3);

      expect(
        await db.query(
          `SELECT id, status, lease_owner, attempt_count, updated_at FROM executions ORDER BY id`,
        ),
      ).toEqual(before);
      const [{ due }] = await db.query(`SELECT bool_and(due_at <= now()) AS due FROM executions`);
      expect(due).toBe(true);
      // The next claim sees them exactly as before: the lost one is still a reclaim of B's.
      const again = await sut.gate.claim({ limit: 3, workerId: WORKER_A, leaseMs: LEASE_MS });
      expect(again.executions.find((e) => e.id === lost)?.reclaimedFrom?.workerId).toBe(WORKER_B);
      expect(again.executions.find((e) => e.id === retried)?.attempt).toBe(2);
      expect(again.executions.find((e) => e.id === fresh)?.attempt).toBe(1);
    });

    it('releases nothing that another worker holds now', async () => {
      const [id] = await deliver(1);
      const { executions } = await sut.gate.claim({
        limit: 1,
        workerId: WORKER_A,
        leaseMs: LEASE_MS,
      });
      await db.query(`UPDATE executions SET due_at = now() - interval '1 second' WHERE id = $1`, [
        id,
      ]);
      await sut.gate.claim({ limit: 1, workerId: WORKER_B, leaseMs: LEASE_MS });

      expect(await sut.claims.release({ executions, workerId: WORKER_A })).toBe(0);

      expect(await rowOf(id)).toMatchObject({ status: 'running', lease_owner: WORKER_B });
    });
  });

  describe('complete', () => {
    it('records a batch of attempts and new states in one statement', async () => {
      const ids = await deliver(4);
      await sut.gate.claim({ limit: 4, workerId: WORKER_A, leaseMs: LEASE_MS });
      const retryAt = new Date(T0 + 60_000);

      const recorded = await sut.completions.complete([
        ...ids.slice(0, 3).map((id) => success(id, WORKER_A)),
        {
          executionId: ids[3],
          workerId: WORKER_A,
          attempt: { ...attempt(1, WORKER_A), outcome: 'transient', httpStatus: 503 },
          transition: {
            status: 'failed_retryable',
            dueAt: retryAt,
            error: 'HTTP 503',
            category: 'transient',
          },
        },
      ]);

      expect([...recorded].sort()).toEqual([...ids].sort());
      expect(database.count('executions_complete')).toBe(1);
      for (const id of ids.slice(0, 3)) {
        expect(await rowOf(id)).toMatchObject({
          status: 'succeeded',
          lease_owner: null,
          due_at: null,
          attempts: 1,
        });
      }
      expect(await rowOf(ids[3])).toMatchObject({
        status: 'failed_retryable',
        due_at: retryAt,
        attempts: 1,
      });
      const [row] = await db.query(
        `SELECT worker_id, started_at, duration_ms, http_status FROM attempts WHERE execution_id = $1`,
        [ids[0]],
      );
      expect(row).toEqual({
        worker_id: WORKER_A,
        started_at: new Date(T0),
        duration_ms: 25,
        http_status: 200,
      });
    });

    it('writes nothing for a worker that lost its lease, and the new holder completes it', async () => {
      const [kept, lost] = await deliver(2);
      await sut.gate.claim({ limit: 2, workerId: WORKER_A, leaseMs: LEASE_MS });
      await db.query(`UPDATE executions SET due_at = now() - interval '1 second' WHERE id = $1`, [
        lost,
      ]);
      await sut.gate.claim({ limit: 1, workerId: WORKER_B, leaseMs: LEASE_MS });

      const recorded = await sut.completions.complete([
        success(kept, WORKER_A),
        success(lost, WORKER_A),
      ]);

      expect([...recorded]).toEqual([kept]);
      expect(await rowOf(lost)).toMatchObject({
        status: 'running',
        lease_owner: WORKER_B,
        attempt_count: 2,
        attempts: 0,
      });
      expect([...(await sut.completions.complete([success(lost, WORKER_B, 2)]))]).toEqual([lost]);
      expect(await rowOf(lost)).toMatchObject({ status: 'succeeded', attempts: 1 });
    });
  });

  it('prepares its statements by name, or sends them unnamed when switched off', async () => {
    // One connection, so that pg_prepared_statements shows what this pool's session prepared.
    const pool = new Pool({ connectionString: db.url, max: 1 });
    try {
      const storeOn = (isPrepared: boolean) => engineStores(new Database(pool, isPrepared));
      const prepared = async () =>
        (await pool.query<{ name: string }>(`SELECT name FROM pg_prepared_statements`)).rows.map(
          (row) => row.name,
        );
      const [first, second] = await deliver(2);

      await storeOn(false).gate.claim({ limit: 1, workerId: WORKER_A, leaseMs: LEASE_MS });
      expect(await storeOn(false).completions.complete([success(first, WORKER_A)])).toEqual(
        new Set([first]),
      );
      expect(await prepared()).toEqual([]);

      await storeOn(true).gate.claim({ limit: 1, workerId: WORKER_A, leaseMs: LEASE_MS });
      expect(await storeOn(true).completions.complete([success(second, WORKER_A)])).toEqual(
        new Set([second]),
      );
      expect((await prepared()).sort()).toEqual(['executions_claim_1', 'executions_complete']);

      // The claim's size is part of its text, not a parameter, so PostgreSQL settles on a
      // generic plan after five runs instead of planning every claim again.
      for (let i = 0; i < 6; i++) {
        await storeOn(true).gate.claim({ limit: 1, workerId: WORKER_A, leaseMs: LEASE_MS });
      }
      const { rows: plans } = await pool.query<{ generic_plans: string }>(
        `SELECT generic_plans FROM pg_prepared_statements WHERE name = 'executions_claim_1'`,
      );
      expect(Number(plans[0].generic_plans)).toBeGreaterThan(0);
    } finally {
      await pool.end();
    }
  });

  describe(Completer.name, () => {
    const completerConfig = loadConfig({ NODE_ENV: 'test', LEASE_MS: String(LEASE_MS) });

    it('batches completions arriving together into one statement', async () => {
      const ids = await deliver(6);
      await sut.gate.claim({ limit: 6, workerId: WORKER_A, leaseMs: LEASE_MS });
      const completer = new Completer(sut.completions, completerConfig);

      const results = await Promise.all(ids.map((id) => completer.complete(success(id, WORKER_A))));

      expect(results).toEqual(ids.map(() => true));
      expect(database.count('executions_complete')).toBe(1);
      expect(completer.heldIds()).toEqual([]);
    });

    it('retries a failed write with backoff, keeping the lease renewable until it lands', async () => {
      const [id] = await deliver(1);
      await sut.gate.claim({ limit: 1, workerId: WORKER_A, leaseMs: LEASE_MS });
      // A real failure of the statement: new attempts rows violate this constraint.
      await db.query(
        `ALTER TABLE attempts ADD CONSTRAINT medium_refuses_attempts CHECK (false) NOT VALID`,
      );
      const completer = new Completer(sut.completions, completerConfig);
      try {
        const written = completer.complete(success(id, WORKER_A));
        await waitFor(() => (database.count('executions_complete') >= 2 ? true : undefined), {
          what: 'a retried completion',
        });
        expect(completer.heldIds()).toEqual([id]);
        expect(await rowOf(id)).toMatchObject({ status: 'running', attempts: 0 });
        await db.query(`ALTER TABLE attempts DROP CONSTRAINT medium_refuses_attempts`);

        expect(await written).toBe(true);
      } finally {
        await db.query(`ALTER TABLE attempts DROP CONSTRAINT IF EXISTS medium_refuses_attempts`);
      }
      expect(await rowOf(id)).toMatchObject({ status: 'succeeded', attempts: 1 });
      expect(completer.heldIds()).toEqual([]);
    });
  });

  describe('dispatch', () => {
    let workers: MediumWorker[] = [];

    afterEach(async () => {
      await Promise.all(workers.map((worker) => worker.stop()));
      workers = [];
    });

    it('drains executions with two workers, each exactly once, with batched statements only', async () => {
      const ids = await deliver(60);
      const sentBefore = database.sent.length;
      const clock = new FakeClock(T0);
      workers = [
        startWorker(db, { database, clock, env: { WORKER_CONCURRENCY: '4' } }),
        startWorker(db, { database, clock, env: { WORKER_CONCURRENCY: '4' } }),
      ];

      await waitFor(
        async () => {
          const [{ n }] = await db.query(
            `SELECT count(*)::int AS n FROM executions WHERE status = 'succeeded'`,
          );
          return n === ids.length ? true : undefined;
        },
        { what: 'every execution succeeded' },
      );

      const attempts = await db.query(
        `SELECT execution_id, worker_id, started_at FROM attempts ORDER BY execution_id`,
      );
      expect(attempts).toHaveLength(ids.length);
      expect(new Set(attempts.map((a) => a.execution_id)).size).toBe(ids.length);
      expect(new Set(attempts.map((a) => a.worker_id))).toEqual(
        new Set(workers.map((w) => w.workerId)),
      );
      // Attempt times come from the injected clock.
      expect(attempts.every((a) => a.started_at.getTime() === T0)).toBe(true);
      const calls = target.received.filter((r) =>
        ids.includes(r.headers['x-triggerline-execution'] as string),
      );
      expect(calls).toHaveLength(ids.length);
      // No per-execution transactions: only batched claims and completion writes (and lease
      // renewals) reach the database. The Completer test above shows batching deterministically.
      const sent = database.sent
        .slice(sentBefore)
        .map((name) => name.replace(/^executions_claim_\d+$/, 'executions_claim'));
      expect(new Set(sent)).toEqual(
        new Set(['executions_claim', 'executions_complete', ...renewals(database)]),
      );
    });

    it('keeps its slots fed from executions claimed ahead and hands those back unattempted when stopped', async () => {
      const ids = await deliver(4);
      let releaseCall: () => void = () => undefined;
      const callHeld = new Promise<void>((resolve) => (releaseCall = resolve));
      target.respond((_request, response) => {
        void callHeld.then(() => response.writeHead(200).end('ok'));
      });
      const worker = startWorker(db, {
        database,
        clock: new FakeClock(T0),
        env: { WORKER_CONCURRENCY: '1' },
      });
      // One in its slot, one claimed ahead for when the slot frees.
      await waitFor(
        async () => {
          const [{ n }] = await db.query(
            `SELECT count(*)::int AS n FROM executions WHERE lease_owner = $1`,
            [worker.workerId],
          );
          return n === 2 ? true : undefined;
        },
        { what: 'a second execution claimed ahead' },
      );
      const calls = target.received.filter((request) =>
        ids.includes(request.headers['x-triggerline-execution'] as string),
      );
      const stopped = worker.stop();
      releaseCall();
      await stopped;
      expect(calls).toHaveLength(1);

      const rows = await Promise.all(ids.map(rowOf));
      expect(rows.map((row) => row.status).sort()).toEqual([
        'pending',
        'pending',
        'pending',
        'succeeded',
      ]);
      expect(rows.filter((row) => row.status === 'pending')).toEqual(
        Array(3).fill(
          expect.objectContaining({ lease_owner: null, attempt_count: 0, attempts: 0 }),
        ),
      );
      expect(database.sent).toContain('executions_release');
    });

    it('schedules a failed attempt for the retry time of the injected clock', async () => {
      const [id] = await deliver(1);
      target.respondInTurn(503);
      const clock = new FakeClock(T0);
      workers = [startWorker(db, { database, clock })];

      await waitFor(
        async () => ((await rowOf(id)).status === 'failed_retryable' ? true : undefined),
        {
          what: 'the retry scheduled',
        },
      );

      // random() is 0 and jitter 0: due exactly baseDelayMs after the fake finish time.
      expect((await rowOf(id)).due_at).toEqual(new Date(T0 + 60_000));
    });
  });
});
