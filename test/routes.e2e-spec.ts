import { RetentionService } from '../apps/api/src/retention/retention.service';
import { httpTrigger } from './support/fixtures';
import { HttpTarget } from './support/http-target';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

// SPEC §14 fan-out: a delivery accepted by a trigger with routes creates, in the same statement,
// one execution on each route's trigger whose filter keeps it.
describe('routes', () => {
  let t: TestApp;
  let target: HttpTarget;

  beforeAll(async () => {
    t = await startTestApp({ WORKER_POLL_INTERVAL_MS: '100' });
    target = await HttpTarget.start();
    // The failing consumer answers 400 (permanent); the others 200.
    target.respond((request, response) => {
      response.writeHead(request.path === '/refuses' ? 400 : 200).end('ok');
    });
  });
  afterAll(async () => {
    await target.close();
    await t.close();
  });

  async function create(slug: string, overrides: Record<string, unknown> = {}) {
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger(slug, { action: { type: 'http', url: `${target.url}/${slug}` }, ...overrides }),
    );
    expect([created.status, created.body]).toEqual([201, expect.anything()]);
    return created.body;
  }

  async function settled(executionId: string) {
    return waitFor(
      async () => {
        const execution = (await t.api('GET', `/api/executions/${executionId}`)).body;
        return ['succeeded', 'dead_lettered'].includes(execution.status) ? execution : undefined;
      },
      { what: `execution ${executionId} settled` },
    );
  }

  const count = async (sql: string, params: unknown[]) =>
    Number((await t.database.query<{ n: string }>(sql, params))[0].n);

  it('fans one delivery out to the routes whose filter matches; one fails on its own', async () => {
    const orders = await create('orders');
    const crm = await create('crm');
    const refuses = await create('refuses');
    await create('not-matched');
    const source = await create('evolution', {
      idempotencyKeyPaths: ['data.key.id'],
      routes: [
        { trigger: 'orders', filter: { 'body.event': 'messages.upsert' } },
        { trigger: 'crm' },
        { trigger: 'refuses', filter: { 'body.data.key.id': { $exists: true } } },
        { trigger: 'not-matched', filter: { 'body.event': 'connection.update' } },
      ],
    });
    expect(source.routes).toHaveLength(4);

    const answer = await t.hook('evolution', {
      event: 'messages.upsert',
      data: { key: { id: 'MSG-1' } },
    });
    expect(answer.status).toBe(202);
    const { executionId, executionIds } = answer.body as {
      executionId: string;
      executionIds: string[];
    };
    expect(executionIds).toHaveLength(4);
    expect(executionId).toBe(executionIds[0]);

    const executions = await Promise.all(executionIds.map(settled));
    expect(executions.map((e) => [e.triggerId, e.routedFrom, e.status])).toEqual([
      [source.id, null, 'succeeded'],
      [orders.id, source.id, 'succeeded'],
      [crm.id, source.id, 'succeeded'],
      [refuses.id, source.id, 'dead_lettered'],
    ]);
    const deadLetters = await t.api('GET', `/api/dead-letters?triggerId=${refuses.id}`);
    expect(deadLetters.body.items.map((d: { executionId: string }) => d.executionId)).toEqual([
      executionIds[3],
    ]);

    // The same key again: the same ids, nothing new.
    const before = await count('SELECT count(*) AS n FROM executions', []);
    const again = await t.hook('evolution', {
      event: 'messages.upsert',
      data: { key: { id: 'MSG-1' } },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'duplicate', executionId, executionIds });
    expect(await count('SELECT count(*) AS n FROM executions', [])).toBe(before);
  });

  it('gives a pure router no execution of its own and answers filtered when no route matches', async () => {
    const a = await create('router-a');
    await create('router-b');
    const router = await create('router', {
      action: null,
      routes: [{ trigger: 'router-a' }, { trigger: 'router-b', filter: { 'body.kind': 'b' } }],
      idempotencyKeyPaths: ['id'],
    });
    expect(router.action).toBeNull();

    const answer = await t.hook('router', { id: 'r-1', kind: 'a' });
    expect(answer.body.executionIds).toHaveLength(1);
    const [only] = answer.body.executionIds as string[];
    expect((await settled(only)).triggerId).toBe(a.id);

    await t.api('PATCH', `/api/triggers/${router.id}`, {
      routes: [{ trigger: 'router-b', filter: { 'body.kind': 'b' } }],
    });
    const filtered = await t.hook('router', { id: 'r-2', kind: 'a' });
    expect([filtered.status, filtered.body]).toEqual([200, { status: 'filtered' }]);
  });

  it('refuses routes to a trigger with routes, from a routed-to trigger, to itself or unknown', async () => {
    const leaf = await create('leaf');
    await create('hub', { routes: [{ trigger: 'leaf' }] });
    const post = (slug: string, overrides: Record<string, unknown>) =>
      t.api('POST', '/api/triggers', httpTrigger(slug, overrides));
    const refusals = [
      await post('to-hub', { routes: [{ trigger: 'hub' }] }),
      await t.api('PATCH', `/api/triggers/${leaf.id}`, { routes: [{ trigger: 'orders' }] }),
      await post('self', { routes: [{ trigger: 'self' }] }),
      await post('lost', { routes: [{ trigger: 'nowhere' }] }),
      await post('no-action', { action: null }),
      await post('too-many', {
        routes: Array.from({ length: 21 }, (_, i) => ({ trigger: `leaf-${i}` })),
      }),
    ];
    expect(refusals.map((r) => [r.status, r.body.error])).toEqual(
      refusals.map(() => [400, 'validation_failed']),
    );
  });

  it('refuses to rename or delete a routed-to trigger, naming its routers, until no route names it', async () => {
    const kept = await create('kept');
    const router = await create('keeper', { routes: [{ trigger: 'kept' }] });
    await create('keeper-2', { action: null, routes: [{ trigger: 'kept' }] });

    const renamed = await t.api('PATCH', `/api/triggers/${kept.id}`, { slug: 'kept-renamed' });
    const deleted = await t.api('DELETE', `/api/triggers/${kept.id}?force=true`);
    for (const refused of [renamed, deleted]) {
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        error: 'trigger_routed_to',
        message: expect.stringMatching(/"keeper", "keeper-2"/),
      });
    }
    expect((await t.api('GET', `/api/triggers/${kept.id}`)).body.slug).toBe('kept');

    // A rename that no route names is free; the router's own rename too.
    expect((await t.api('PATCH', `/api/triggers/${router.id}`, { slug: 'keeper-1' })).status).toBe(
      200,
    );
    await t.api('PATCH', `/api/triggers/${router.id}`, { routes: [] });
    const keeper2 = (await t.api('GET', '/api/triggers')).body.items.find(
      (trigger: { slug: string }) => trigger.slug === 'keeper-2',
    );
    expect((await t.api('DELETE', `/api/triggers/${keeper2.id}`)).status).toBe(204);
    expect((await t.api('DELETE', `/api/triggers/${kept.id}`)).status).toBe(204);
  });

  it("shows a router's routes with their health, and which routes its recent deliveries match", async () => {
    const ok = await create('watch-ok');
    await create('watch-bad', { action: { type: 'http', url: `${target.url}/refuses` } });
    const router = await create('watch', {
      action: null,
      idempotencyKeyPaths: ['id'],
      routes: [{ trigger: 'watch-ok', filter: { 'body.kind': 'ok' } }, { trigger: 'watch-bad' }],
    });
    const first = await t.hook('watch', { id: 'w-1', kind: 'ok' });
    const second = await t.hook('watch', { id: 'w-2', kind: 'other' });
    const ids = [...first.body.executionIds, ...second.body.executionIds] as string[];
    expect(ids).toHaveLength(3);
    await Promise.all(ids.map(settled));
    await t.api('POST', `/api/triggers/${ok.id}/pause`);

    const health = await t.api('GET', `/api/triggers/${router.id}/route-health`);
    expect(health.status).toBe(200);
    expect(health.body.routes).toEqual([
      expect.objectContaining({
        trigger: 'watch-ok',
        triggerId: ok.id,
        filter: { 'body.kind': 'ok' },
        paused: true,
        circuitState: 'closed',
        succeeded: 1,
        failed: 0,
        deadLettered: 0,
      }),
      expect.objectContaining({
        trigger: 'watch-bad',
        paused: false,
        succeeded: 0,
        deadLettered: 2,
      }),
    ]);

    const tested = await t.api('POST', `/api/triggers/${router.id}/route-test`, {
      routes: [{ trigger: 'watch-ok', filter: { 'body.kind': 'other' } }, { trigger: 'not-yet' }],
    });
    expect(tested.status).toBe(200);
    expect(
      tested.body.deliveries.map((d: { idempotencyKey: string; matchedRoutes: string[] }) => [
        d.idempotencyKey,
        d.matchedRoutes,
      ]),
    ).toEqual([
      ['w-2', ['watch-ok', 'not-yet']],
      ['w-1', ['not-yet']],
    ]);

    const refusals = [
      await t.api('POST', `/api/triggers/${router.id}/route-test`, { routes: 'crm' }),
      await t.api('POST', `/api/triggers/${router.id}/route-test`, {
        routes: [{ trigger: 'x', filter: { 'body.a': { $nope: 1 } } }],
      }),
      await t.api('POST', `/api/triggers/${crypto.randomUUID()}/route-test`, { routes: [] }),
      await t.api('GET', `/api/triggers/${crypto.randomUUID()}/route-health`),
    ];
    expect(refusals.map((r) => [r.status, r.body.error])).toEqual([
      [400, 'validation_failed'],
      [400, 'validation_failed'],
      [404, 'trigger_not_found'],
      [404, 'trigger_not_found'],
    ]);
  });

  it('answers 100 concurrent deliveries each with executions that exist', async () => {
    await create('fan-1');
    await create('fan-2');
    await create('fan', { routes: [{ trigger: 'fan-1' }, { trigger: 'fan-2' }] });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => t.hook('fan', { idempotency_key: `k-${i}` })),
    );
    expect(answers.every((answer) => answer.status === 202)).toBe(true);
    const ids = answers.flatMap((answer) => answer.body.executionIds as string[]);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
    expect(
      await count('SELECT count(*) AS n FROM executions WHERE id = ANY($1::uuid[])', [ids]),
    ).toBe(300);
  });

  it('frees a routed key once every execution of its delivery is gone', async () => {
    await create('gone-1');
    await create('gone', {
      action: null,
      routes: [{ trigger: 'gone-1' }],
      idempotencyKeyPaths: ['id'],
    });
    const first = await t.hook('gone', { id: 'evt-gone' });
    const ids = first.body.executionIds as string[];
    await Promise.all(ids.map(settled));
    await t.database.query(`DELETE FROM executions WHERE id = ANY($1::uuid[])`, [ids]);
    await t.database.query(
      `UPDATE routed_deliveries SET created_at = now() - interval '2 hours'
       WHERE idempotency_key = 'evt-gone'`,
    );

    await t.app.get(RetentionService).purge();

    const again = await t.hook('gone', { id: 'evt-gone' });
    expect(again.status).toBe(202);
    expect(again.body.executionIds).not.toEqual(ids);
  });

  it('stores a payload its routes share once, and keeps it until its last execution is gone', async () => {
    const a = await create('share-a');
    const b = await create('share-b', { action: { type: 'http', url: `${target.url}/refuses` } });
    const router = await create('share', {
      action: null,
      routes: [{ trigger: 'share-a' }, { trigger: 'share-b' }],
      idempotencyKeyPaths: ['id'],
    });
    const payload = { id: 'evt-share', text: 'hello', n: 1 };
    const answer = await t.hook('share', payload);
    const ids = answer.body.executionIds as string[];
    expect(ids).toHaveLength(2);
    const sharedRows = (executionIds: string[]) =>
      count('SELECT count(*) AS n FROM delivery_payloads WHERE execution_ids && $1::uuid[]', [
        executionIds,
      ]);
    expect(await sharedRows(ids)).toBe(1);
    expect(
      await count('SELECT count(*) AS n FROM execution_payloads WHERE execution_id = ANY($1)', [
        ids,
      ]),
    ).toBe(0);

    // Each route's call and page, the dead letter and a replay carry the whole payload.
    const settledAll = await Promise.all(ids.map(settled));
    expect(settledAll.map((execution) => execution.status)).toEqual(['succeeded', 'dead_lettered']);
    for (const execution of settledAll) {
      expect(JSON.parse(target.requestsFor(execution.id)[0].body)).toEqual(payload);
      expect(execution.payload).toEqual(payload);
    }
    const deadLetters = await t.api('GET', `/api/dead-letters?triggerId=${b.id}`);
    expect(deadLetters.body.items.map((d: { payload: unknown }) => d.payload)).toEqual([payload]);
    const replay = await t.api('POST', `/api/executions/${ids[1]}/replay`);
    expect(replay.status).toBe(202);
    const replayed = await settled(replay.body.executionId);
    expect(replayed.payload).toEqual(payload);
    expect(JSON.parse(target.requestsFor(replayed.id)[0].body)).toEqual(payload);

    // Erasing one route's executions keeps what the other still needs; erasing both, nothing.
    const erase = (triggerId: string) =>
      t.api('POST', '/api/executions/erase', { triggerId, idempotencyKey: 'evt-share' });
    expect((await erase(a.id)).body).toMatchObject({ erased: 1 });
    expect(await sharedRows(ids)).toBe(1);
    expect((await t.api('GET', `/api/executions/${ids[1]}`)).body.payload).toEqual(payload);
    expect((await erase(b.id)).body).toMatchObject({ erased: 2 });
    expect(await sharedRows(ids)).toBe(0);

    // Executions deleted with their triggers: retention's sweep takes the shared row.
    const later = (await t.hook('share', { id: 'evt-later' })).body.executionIds as string[];
    await Promise.all(later.map(settled));
    for (const trigger of [router, a, b]) {
      expect((await t.api('DELETE', `/api/triggers/${trigger.id}?force=true`)).status).toBe(204);
    }
    expect(await sharedRows(later)).toBe(1);
    await t.database.query(
      `UPDATE delivery_payloads SET created_at = now() - interval '2 hours'
       WHERE execution_ids && $1::uuid[]`,
      [later],
    );
    await t.app.get(RetentionService).purge();
    expect(await sharedRows(later)).toBe(0);
  });
});
