import { createHash } from 'node:crypto';
import type { Sql } from '../../apps/api/src/database/database';
import type { TriggerFlowSettings } from '../../apps/api/src/executions/flow-settings';
import { FlowStore, type LockedFlow } from '../../apps/api/src/flow/flow.store';
import { describeMedium, type MediumDatabase, openMediumDatabase } from './medium-database';
import { type EngineStores, engineStores } from './medium-engine';

const LEASE_MS = 30_000;

/** Counts the claims that decided a controlled trigger (each locks its flow row once). */
class CountingFlowStore extends FlowStore {
  locks = 0;

  override lock(sql: Sql, settings: TriggerFlowSettings): Promise<LockedFlow> {
    this.locks++;
    return super.lock(sql, settings);
  }
}

// The claim of controlled triggers driven directly against PostgreSQL, with two worker ids.
describeMedium('Flow control in the claim (stores against PostgreSQL)', () => {
  let db: MediumDatabase;
  let flow: CountingFlowStore;
  let sut: EngineStores;

  const createTrigger = async (slug: string, controls: Record<string, unknown>) => {
    const [row] = await db.query(
      `INSERT INTO triggers (name, slug, action, retry_policy, idempotency_key_paths, paused,
                             rate_limit, max_concurrency)
       VALUES ($1, $1, $2, $3, '{}', $4, $5, $6) RETURNING id`,
      [
        slug,
        JSON.stringify({
          type: 'http',
          url: 'http://127.0.0.1:9/x',
          method: 'POST',
          headers: null,
          timeoutMs: 5000,
        }),
        JSON.stringify({ maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 1000, jitterMs: 0 }),
        controls.paused ?? false,
        controls.rateLimit === undefined ? null : JSON.stringify(controls.rateLimit),
        controls.maxConcurrency ?? null,
      ],
    );
    return row.id as string;
  };
  const deliver = async (triggerId: string, count: number) => {
    for (let i = 0; i < count; i++) {
      await sut.deliveries.recordDelivery({
        triggerId,
        idempotencyKey: null,
        payload: { i },
        headers: {},
        bodySha256: createHash('sha256').update(String(i)).digest(),
        depth: 0,
      });
    }
  };
  const rowsOf = (triggerId: string) =>
    db.query<{
      status: string;
      held_by: string | null;
      due_at: Date | null;
      attempt_count: number;
    }>(
      `SELECT status, held_by, due_at, attempt_count FROM executions
       WHERE trigger_id = $1 ORDER BY due_at NULLS LAST`,
      [triggerId],
    );

  beforeAll(async () => {
    db = await openMediumDatabase({ poolSize: 8 });
  });
  beforeEach(() => {
    flow = new CountingFlowStore(db.database);
    sut = engineStores(db.database, flow);
  });
  afterAll(() => db.close());

  it('starts at most `limit` per window across two workers claiming at once', async () => {
    const triggerId = await createTrigger('rated', { rateLimit: { limit: 2, periodMs: 60_000 } });
    await deliver(triggerId, 8);

    const claims = await Promise.all(
      ['worker-a', 'worker-b', 'worker-a', 'worker-b'].map((workerId) =>
        sut.gate.claim({ limit: 10, workerId, leaseMs: LEASE_MS }),
      ),
    );

    expect(claims.flatMap((claim) => claim.executions)).toHaveLength(2);
    const rows = await rowsOf(triggerId);
    const held = rows.filter((row) => row.status === 'pending');
    expect(held).toHaveLength(6);
    expect(held.every((row) => row.held_by === 'rate_limit' && row.attempt_count === 0)).toBe(true);
    const [{ now }] = await db.query<{ now: Date }>(`SELECT now()`);
    expect(held.every((row) => row.due_at!.getTime() > now.getTime() + 59_000)).toBe(true);
  });

  it("binds two triggers with a flow group's rate, claimed at once by two workers", async () => {
    await db.query(
      `INSERT INTO flow_groups (name, rate_limit, max_concurrency) VALUES ('number', $1, 2)`,
      [JSON.stringify({ limit: 3, periodMs: 60_000 })],
    );
    const first = await createTrigger('grouped-a', {});
    const second = await createTrigger('grouped-b', {});
    await db.query(`UPDATE triggers SET watermark_group = 'number' WHERE id = ANY($1)`, [
      [first, second],
    ]);
    await deliver(first, 4);
    await deliver(second, 4);

    const claims = await Promise.all(
      ['worker-a', 'worker-b', 'worker-a', 'worker-b'].map((workerId) =>
        sut.gate.claim({ limit: 10, workerId, leaseMs: LEASE_MS }),
      ),
    );

    // The group allows 3 per minute but only 2 in flight: 2 start, the others wait.
    expect(claims.flatMap((claim) => claim.executions)).toHaveLength(2);
    const held = [...(await rowsOf(first)), ...(await rowsOf(second))].filter(
      (row) => row.status === 'pending',
    );
    expect(held).toHaveLength(6);
    expect(held.every((row) => row.held_by === 'concurrency' && row.attempt_count === 0)).toBe(
      true,
    );
  });

  it('does not read held executions again until their time comes', async () => {
    const triggerId = await createTrigger('quiet', { rateLimit: { limit: 1, periodMs: 60_000 } });
    await deliver(triggerId, 50);
    await sut.gate.claim({ limit: 10, workerId: 'worker-a', leaseMs: LEASE_MS });
    expect(flow.locks).toBe(1);

    const again = await sut.gate.claim({ limit: 10, workerId: 'worker-b', leaseMs: LEASE_MS });

    expect(again.executions).toHaveLength(0);
    expect(again.isMoreDue).toBe(false);
    expect(flow.locks).toBe(1);
    const held = (await rowsOf(triggerId)).filter((row) => row.held_by === 'rate_limit');
    expect(held).toHaveLength(49);
    // Each planned one window (60 s plus its margin: 10 %, at most 1 s) after the one before.
    const [first] = held.map((row) => row.due_at!.getTime());
    expect(held.map((row) => Math.round((row.due_at!.getTime() - first) / 61_000))).toEqual(
      held.map((_, index) => index),
    );
  });

  it('takes paused and slot-waiting executions out of the due index until they are woken', async () => {
    const paused = await createTrigger('paused', { paused: true });
    const single = await createTrigger('single', { maxConcurrency: 1 });
    await deliver(paused, 3);
    await deliver(single, 3);

    const claim = await sut.gate.claim({ limit: 10, workerId: 'worker-a', leaseMs: LEASE_MS });

    expect(claim.executions.map((execution) => execution.triggerId)).toEqual([single]);
    expect(claim.executions[0].flow).toMatchObject({ maxConcurrency: 1 });
    expect((await rowsOf(paused)).map((row) => [row.held_by, row.due_at])).toEqual([
      ['paused', null],
      ['paused', null],
      ['paused', null],
    ]);
    expect(
      (await rowsOf(single)).filter((row) => row.held_by === 'concurrency' && row.due_at === null),
    ).toHaveLength(2);

    await db.query(`UPDATE triggers SET paused = false WHERE id = $1`, [paused]);
    expect(await sut.claims.wakeAllHeld(paused)).toBe(3);
    const resumed = await sut.gate.claim({ limit: 10, workerId: 'worker-b', leaseMs: LEASE_MS });
    expect(resumed.executions.filter((e) => e.triggerId === paused)).toHaveLength(3);
  });

  it('leaves executions of triggers without controls to the one claim statement', async () => {
    const plain = await createTrigger('plain', {});
    await deliver(plain, 3);

    const claim = await sut.gate.claim({ limit: 10, workerId: 'worker-a', leaseMs: LEASE_MS });

    expect(claim.executions.map((execution) => execution.flow)).toEqual([null, null, null]);
    expect(flow.locks).toBe(0);
  });

  it('claims ahead only executions of triggers without controls, and lists the controlled first', async () => {
    const plain = await createTrigger('plain-ahead', {});
    const capped = await createTrigger('capped-ahead', { maxConcurrency: 100 });
    await deliver(capped, 2);
    await deliver(plain, 6);
    await deliver(capped, 4);

    const claim = await sut.gate.claim({
      limit: 3,
      ahead: 6,
      workerId: 'worker-a',
      leaseMs: LEASE_MS,
    });

    // Nine rows are due first: six controlled, of which at most `limit` start; all six plain ones.
    const triggers = claim.executions.map((execution) => execution.triggerId);
    expect(triggers).toEqual([capped, capped, capped, plain, plain, plain, plain, plain, plain]);
    expect(claim.isMoreDue).toBe(true);
    const running = await rowsOf(capped);
    expect(running.filter((row) => row.status === 'running')).toHaveLength(3);
  });

  it('starts one execution per ordering key across two workers, and the next once it finishes', async () => {
    const triggerId = await createTrigger('ordered', {});
    await db.query(`UPDATE triggers SET ordering_key_path = 'to' WHERE id = $1`, [triggerId]);
    const ids: string[] = [];
    for (const [n, to] of ['ana', 'ana', 'ana', 'bia'].entries()) {
      const outcome = await sut.deliveries.recordDelivery({
        triggerId,
        idempotencyKey: null,
        payload: { to, n },
        headers: {},
        bodySha256: createHash('sha256').update(String(n)).digest(),
        depth: 0,
        orderingKey: to,
      });
      ids.push(outcome.executionId);
    }

    const claims = await Promise.all(
      ['worker-a', 'worker-b', 'worker-a', 'worker-b'].map((workerId) =>
        sut.gate.claim({ limit: 10, workerId, leaseMs: LEASE_MS }),
      ),
    );

    // Other tests' executions may be claimed too: only this trigger's count here.
    const started = claims
      .flatMap((claim) => claim.executions)
      .filter((execution) => execution.triggerId === triggerId);
    expect(started.map((execution) => execution.id).sort()).toEqual([ids[0], ids[3]].sort());
    const waiting = await db.query<{ id: string; held_by: string; attempt_count: number }>(
      `SELECT id, held_by, attempt_count FROM executions WHERE trigger_id = $1 AND status = 'pending'
       ORDER BY created_at, id`,
      [triggerId],
    );
    expect(waiting).toEqual([
      { id: ids[1], held_by: 'ordering', attempt_count: 0 },
      { id: ids[2], held_by: 'ordering', attempt_count: 0 },
    ]);

    // Ana's first ends as the runner records it: in one transaction with the gate's settlement.
    const first = started.find((execution) => execution.id === ids[0])!;
    await db.database.transaction(async (sql) => {
      await sql.run(
        {
          name: 'test_finish',
          text: `UPDATE executions SET status = 'succeeded', due_at = NULL, finished_at = now()
                 WHERE id = $1`,
        },
        [first.id],
      );
      const settled = await sut.gate.settle(sql, {
        settings: first.flow!,
        outcome: 'success',
        executionId: first.id,
        isFinished: true,
      });
      expect(settled?.woken).toBe(1);
    });
    const next = await sut.gate.claim({ limit: 10, workerId: 'worker-b', leaseMs: LEASE_MS });

    expect(
      next.executions
        .filter((execution) => execution.triggerId === triggerId)
        .map((execution) => execution.id),
    ).toEqual([ids[1]]);
  });
});
