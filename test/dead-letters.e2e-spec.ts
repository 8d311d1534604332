import { SchedulerRegistry } from '@nestjs/schedule';
import { RetentionService } from '../apps/api/src/retention/retention.service';
import { HttpTarget } from './support/http-target';
import { httpTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

describe('dead letters, replay and handlers', () => {
  let t: TestApp;
  let failing: HttpTarget;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp({ REPLAY_COOLDOWN_MS: '1500', WORKER_POLL_INTERVAL_MS: '200' });
    failing = await HttpTarget.start();
    failing.respondInTurn(400);
  });
  afterAll(async () => {
    await failing.close();
    await t.close();
  });

  async function trigger(overrides: Record<string, unknown> = {}, url = `${failing.url}/x`) {
    const slug = (overrides.slug as string | undefined) ?? `dl-${++counter}`;
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger(slug, {
        retryPolicy: { maxAttempts: 1, baseDelayMs: 100, maxDelayMs: 100, jitterMs: 0 },
        action: { type: 'http', url },
        ...overrides,
      }),
    );
    expect(created.status).toBe(201);
    return created.body as { id: string; slug: string };
  }

  const execution = async (id: string) => (await t.api('GET', `/api/executions/${id}`)).body;

  async function settled(executionId: string, statuses = ['succeeded', 'dead_lettered']) {
    return waitFor(
      async () => {
        const body = await execution(executionId);
        return statuses.includes(body.status) ? body : undefined;
      },
      { what: `execution ${executionId} to settle` },
    );
  }

  async function deadLetterFor(slug: string, payload: unknown = { n: ++counter }) {
    const { body } = await t.hook(slug, payload);
    await settled(body.executionId);
    const rows = await t.database.query('SELECT id FROM dead_letters WHERE execution_id = $1', [
      body.executionId,
    ]);
    return { executionId: body.executionId as string, deadLetterId: rows[0].id as string };
  }

  it('lists unresolved dead letters first and shows one with payload and attempts', async () => {
    const { slug, id: triggerId } = await trigger();
    const first = await deadLetterFor(slug, { order: 1 });
    const second = await deadLetterFor(slug, { order: 2 });
    await t.api('POST', `/api/dead-letters/${first.deadLetterId}/resolve`, {
      resolution: 'ignored',
    });

    const list = await t.api('GET', `/api/dead-letters?triggerId=${triggerId}`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((d: any) => d.id)).toEqual([
      second.deadLetterId,
      first.deadLetterId,
    ]);
    expect(list.body.nextCursor).toBeNull();

    const one = await t.api('GET', `/api/dead-letters/${second.deadLetterId}`);
    expect(one.body).toMatchObject({
      id: second.deadLetterId,
      executionId: second.executionId,
      triggerId,
      triggerSlug: slug,
      payload: { order: 2 },
      attemptCount: 1,
      firstAttemptAt: expect.any(String),
      lastAttemptAt: expect.any(String),
      lastError: expect.stringContaining('400'),
      errorCategory: 'permanent',
      resolvedAt: null,
      resolution: null,
      note: null,
    });
    expect(one.body.attempts).toHaveLength(1);

    const unresolved = await t.api(
      'GET',
      `/api/dead-letters?unresolved=true&triggerId=${triggerId}`,
    );
    expect(unresolved.body.items.map((d: any) => d.id)).toEqual([second.deadLetterId]);
  });

  it('pages through dead letters with a cursor, unresolved first', async () => {
    const { slug, id: triggerId } = await trigger();
    const made = [];
    for (let i = 0; i < 5; i++) {
      made.push(await deadLetterFor(slug));
    }
    await t.api('POST', `/api/dead-letters/${made[4].deadLetterId}/resolve`, {
      resolution: 'ignored',
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/api/dead-letters?triggerId=${triggerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.api('GET', path);
      seen.push(...page.body.items.map((d: any) => d.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([
      made[3].deadLetterId,
      made[2].deadLetterId,
      made[1].deadLetterId,
      made[0].deadLetterId,
      made[4].deadLetterId,
    ]);
  });

  it('resolves once, refuses a second resolution and unknown resolutions', async () => {
    const { slug } = await trigger();
    const { deadLetterId } = await deadLetterFor(slug);
    for (const resolution of ['replayed', 'nope', '']) {
      const bad = await t.api('POST', `/api/dead-letters/${deadLetterId}/resolve`, { resolution });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('validation_failed');
    }
    const resolved = await t.api('POST', `/api/dead-letters/${deadLetterId}/resolve`, {
      resolution: 'handled_by_script',
      note: 'fixed by hand',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      resolution: 'handled_by_script',
      note: 'fixed by hand',
      resolvedAt: expect.any(String),
    });
    const again = await t.api('POST', `/api/dead-letters/${deadLetterId}/resolve`, {
      resolution: 'ignored',
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('already_resolved');
    expect((await t.api('POST', `/api/dead-letters/${deadLetterId}/replay`)).status).toBe(409);
  });

  it('answers 404 and 400 for unknown and malformed dead-letter ids', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await t.api('GET', `/api/dead-letters/${missing}`)).body.error).toBe(
      'dead_letter_not_found',
    );
    expect((await t.api('POST', `/api/dead-letters/${missing}/replay`)).status).toBe(404);
    expect(
      (await t.api('POST', `/api/dead-letters/${missing}/resolve`, { resolution: 'ignored' }))
        .status,
    ).toBe(404);
    expect((await t.api('GET', '/api/dead-letters/xyz')).body.error).toBe('invalid_id');
    expect((await t.api('GET', '/api/dead-letters?unresolved=maybe')).status).toBe(400);
    expect((await t.api('POST', `/api/executions/${missing}/replay`)).body.error).toBe(
      'execution_not_found',
    );
  });

  it('replays a dead letter as a new execution, then rate-limits the same event until the cooldown passes', async () => {
    const { slug } = await trigger();
    const original = await deadLetterFor(slug, { order: 'A-1' });
    const replay = await t.api('POST', `/api/dead-letters/${original.deadLetterId}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toEqual({ executionId: expect.any(String) });

    expect(await execution(original.executionId)).toMatchObject({
      status: 'replayed',
      nextAttemptAt: null,
    });
    const deadLetter = await t.api('GET', `/api/dead-letters/${original.deadLetterId}`);
    expect(deadLetter.body).toMatchObject({
      resolution: 'replayed',
      resolvedAt: expect.any(String),
    });
    const notAgain = await t.api('POST', `/api/executions/${original.executionId}/replay`);
    expect(notAgain.status).toBe(409);
    expect(notAgain.body.error).toBe('not_replayable');

    // The replay fails too (the target still answers 400) and is dead-lettered at once.
    const copy = await settled(replay.body.executionId);
    expect(copy).toMatchObject({
      status: 'dead_lettered',
      replayOf: original.executionId,
      payload: { order: 'A-1' },
      lastReplayAt: expect.any(String),
    });
    const tooSoon = await t.api('POST', `/api/executions/${copy.id}/replay`);
    expect(tooSoon.status).toBe(429);
    expect(tooSoon.body).toEqual({
      error: 'rate_limited',
      message: expect.any(String),
      retryAfterSeconds: expect.any(Number),
    });
    expect(tooSoon.body.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(tooSoon.headers.get('retry-after')).toBe(String(tooSoon.body.retryAfterSeconds));

    const later = await waitFor(
      async () => {
        const response = await t.api('POST', `/api/executions/${copy.id}/replay`);
        expect([202, 429]).toContain(response.status);
        return response.status === 202 ? response : undefined;
      },
      { intervalMs: 200, what: 'the cooldown to pass' },
    );
    expect(later.body.executionId).not.toBe(copy.id);
  });

  it('cancels the scheduled retry of a failed_retryable execution it replays', async () => {
    const slow = await HttpTarget.start();
    slow.respondInTurn(503, 200);
    try {
      const { slug } = await trigger(
        { retryPolicy: { maxAttempts: 3, baseDelayMs: 600000, maxDelayMs: 600000, jitterMs: 0 } },
        `${slow.url}/r`,
      );
      const { body } = await t.hook(slug, { retry: true });
      const waiting = await settled(body.executionId, ['failed_retryable']);
      expect(waiting.nextAttemptAt).not.toBeNull();
      const replay = await t.api('POST', `/api/executions/${body.executionId}/replay`);
      expect(replay.status).toBe(202);
      expect(await settled(replay.body.executionId)).toMatchObject({ status: 'succeeded' });
      const rows = await t.database.query('SELECT status, due_at FROM executions WHERE id = $1', [
        body.executionId,
      ]);
      expect(rows[0]).toEqual({ status: 'replayed', due_at: null });
    } finally {
      await slow.close();
    }
  });

  it('bulk-replays every match in batches, with a dry run first', async () => {
    const downstream = await HttpTarget.start();
    downstream.respondInTurn(400);
    const { slug, id: triggerId } = await trigger({}, `${downstream.url}/bulk`);
    const total = 105; // more than one batch of 100
    await Promise.all(Array.from({ length: total }, (_, i) => t.hook(slug, { bulk: i })));
    await waitFor(
      async () => {
        const rows = await t.database.query(
          'SELECT count(*)::int AS n FROM dead_letters WHERE trigger_id = $1 AND resolved_at IS NULL',
          [triggerId],
        );
        return rows[0].n === total ? true : undefined;
      },
      { what: `${total} dead letters` },
    );
    const dryRun = await t.api('POST', '/api/dead-letters/replay', { triggerId, dryRun: true });
    expect(dryRun.status).toBe(200);
    expect(dryRun.body).toEqual({ matched: total, replayed: 0, skipped: 0 });
    const none = await t.api('POST', '/api/dead-letters/replay', {
      triggerId,
      errorCategory: 'transient',
      dryRun: true,
    });
    expect(none.body.matched).toBe(0);
    const future = await t.api('POST', '/api/dead-letters/replay', {
      triggerId,
      from: new Date(Date.now() + 60000).toISOString(),
      dryRun: true,
    });
    expect(future.body.matched).toBe(0);

    downstream.respondInTurn(200); // the downstream is fixed: replays succeed
    const run = await t.api('POST', '/api/dead-letters/replay', {
      triggerId,
      errorCategory: 'permanent',
    });
    expect(run.body).toEqual({ matched: total, replayed: total, skipped: 0 });
    const left = await t.api('POST', '/api/dead-letters/replay', { triggerId, dryRun: true });
    expect(left.body.matched).toBe(0);
    await waitFor(
      async () => {
        const rows = await t.database.query(
          `SELECT count(*)::int AS n FROM executions WHERE trigger_id = $1 AND status = 'succeeded'`,
          [triggerId],
        );
        return rows[0].n === total ? true : undefined;
      },
      { what: 'every replay to succeed' },
    );
    await downstream.close();
  });

  it('skips dead letters whose event is cooling down in a bulk replay by ids', async () => {
    const { slug } = await trigger();
    const first = await deadLetterFor(slug);
    const replay = await t.api('POST', `/api/dead-letters/${first.deadLetterId}/replay`);
    await settled(replay.body.executionId);
    const [cooling] = await t.database.query(
      'SELECT id FROM dead_letters WHERE execution_id = $1',
      [replay.body.executionId],
    );
    const fresh = await deadLetterFor(slug);
    const result = await t.api('POST', '/api/dead-letters/replay', {
      ids: [cooling.id, fresh.deadLetterId],
    });
    expect(result.body).toEqual({ matched: 2, replayed: 1, skipped: 1 });
  });

  it.each([
    [{ colour: 'red' }],
    [{ ids: ['not-a-uuid'] }],
    [{ from: 'yesterday' }],
    [{ errorCategory: 'weird' }],
    [{ dryRun: 'yes' }],
  ])('answers 400 to the bulk body %j', async (body) => {
    const response = await t.api('POST', '/api/dead-letters/replay', body);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('validation_failed');
  });

  describe('handler triggers', () => {
    let handlerTarget: HttpTarget;
    beforeAll(async () => {
      handlerTarget = await HttpTarget.start();
    });
    afterAll(() => handlerTarget.close());

    it('runs a matching handler with the dead letter as payload and resolves it handled_by_script', async () => {
      handlerTarget.respondInTurn(200);
      await trigger({ slug: 'pay-handler', onDeadLetter: 'pay-*' }, `${handlerTarget.url}/ok`);
      await trigger({ slug: 'pay-card' });
      const { executionId, deadLetterId } = await deadLetterFor('pay-card', { amount: 5 });
      const resolved = await waitFor(
        async () => {
          const body = (await t.api('GET', `/api/dead-letters/${deadLetterId}`)).body;
          return body.resolvedAt !== null ? body : undefined;
        },
        { what: 'the handler to resolve the dead letter' },
      );
      expect(resolved.resolution).toBe('handled_by_script');
      const [request] = handlerTarget.received;
      expect(JSON.parse(request.body)).toMatchObject({
        id: deadLetterId,
        executionId,
        triggerSlug: 'pay-card',
        payload: { amount: 5 },
      });
    });

    it('marks the dead letter handler_failed when the handler fails, without a dead letter of its own', async () => {
      handlerTarget.respondInTurn(500);
      const handler = await trigger(
        { slug: 'fax-handler', onDeadLetter: '*' },
        `${handlerTarget.url}/bad`,
      );
      await trigger({ slug: 'fax-line' });
      const { deadLetterId } = await deadLetterFor('fax-line');
      const resolved = await waitFor(
        async () => {
          const body = (await t.api('GET', `/api/dead-letters/${deadLetterId}`)).body;
          return body.resolvedAt !== null ? body : undefined;
        },
        { what: 'the handler to fail' },
      );
      expect(resolved.resolution).toBe('handler_failed');
      const own = await t.database.query(
        'SELECT count(*)::int AS n FROM dead_letters WHERE trigger_id = $1',
        [handler.id],
      );
      expect(own[0].n).toBe(0);
      // Stop matching every later dead letter in this file.
      await t.api('PATCH', `/api/triggers/${handler.id}`, { onDeadLetter: null });
    });
  });

  it('deletes only resolved dead letters older than the retention, with their executions', async () => {
    const { slug } = await trigger();
    const oldResolved = await deadLetterFor(slug);
    const oldOpen = await deadLetterFor(slug);
    const recentResolved = await deadLetterFor(slug);
    for (const { deadLetterId } of [oldResolved, recentResolved]) {
      await t.api('POST', `/api/dead-letters/${deadLetterId}/resolve`, { resolution: 'ignored' });
    }
    await t.database.query(
      `UPDATE dead_letters SET created_at = now() - interval '31 days' WHERE id = ANY($1)`,
      [[oldResolved.deadLetterId, oldOpen.deadLetterId]],
    );
    expect((await t.app.get(RetentionService).purge()).executions).toBe(1);
    expect((await t.api('GET', `/api/dead-letters/${oldResolved.deadLetterId}`)).status).toBe(404);
    expect((await t.api('GET', `/api/executions/${oldResolved.executionId}`)).status).toBe(404);
    expect((await t.api('GET', `/api/dead-letters/${oldOpen.deadLetterId}`)).status).toBe(200);
    expect((await t.api('GET', `/api/dead-letters/${recentResolved.deadLetterId}`)).status).toBe(
      200,
    );
  });

  it('schedules retention hourly and once soon after start', () => {
    const scheduler = t.app.get(SchedulerRegistry);
    expect(scheduler.getIntervals()).toContain('retention');
    expect(scheduler.getTimeouts()).toContain('retention-first-run');
  });

  it('documents the operator routes in Swagger, and counts replays in /metrics', async () => {
    const document = (await (await fetch(`${t.baseUrl}/docs-json`)).json()) as any;
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/api/dead-letters',
        '/api/dead-letters/replay',
        '/api/dead-letters/{id}',
        '/api/dead-letters/{id}/resolve',
        '/api/dead-letters/{id}/replay',
        '/api/executions/{id}/replay',
        '/api/stats',
      ]),
    );
    expect(document.paths['/api/executions/{id}/replay'].post.responses['429']).toBeDefined();
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(text).toMatch(/triggerline_replays_total [1-9]/);
  });
});
