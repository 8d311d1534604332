import { freePort } from './support/spawned-app';
import { HttpTarget } from './support/http-target';
import { httpTrigger, whatsappTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

const fastRetries = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 200, jitterMs: 0 };
const order = { phone: '5511999990000', name: 'Ana', order: { id: 'A-1' } };

describe('delivery semantics: outcome unknown, key conflicts, loop guard', () => {
  let t: TestApp;
  let target: HttpTarget;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp({ WORKER_POLL_INTERVAL_MS: '200', ALERT_INTERVAL_MS: '200' });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    target = await HttpTarget.start();
  });
  afterEach(() => target.close());

  async function create(body: Record<string, unknown>) {
    const created = await t.api('POST', '/api/triggers', body);
    expect(created.status).toBe(201);
    return created.body as { id: string; slug: string; onUnknownOutcome: string };
  }

  const whatsapp = (
    overrides: Record<string, unknown> = {},
    action: Record<string, unknown> = {},
  ) =>
    create(
      whatsappTrigger(`wa-${++counter}`, target.url, {
        retryPolicy: fastRetries,
        ...overrides,
        action: { ...whatsappTrigger('x', target.url).action, timeoutMs: 300, ...action },
      }),
    );

  const http = (overrides: Record<string, unknown> = {}) =>
    create(
      httpTrigger(`h-${++counter}`, {
        retryPolicy: fastRetries,
        action: { type: 'http', url: `${target.url}/hook`, timeoutMs: 300 },
        ...overrides,
      }),
    );

  const execution = async (id: string) => (await t.api('GET', `/api/executions/${id}`)).body;

  function settled(id: string, statuses = ['succeeded', 'dead_lettered', 'outcome_unknown']) {
    return waitFor(
      async () => {
        const body = await execution(id);
        return statuses.includes(body.status) ? body : undefined;
      },
      { what: `execution ${id} to settle` },
    );
  }

  // Reads the whole request body (HttpTarget does), then never answers.
  const stall = () => target.respond(() => undefined);

  describe('outcome unknown', () => {
    it('defaults onUnknownOutcome to hold for whatsapp and retry for http, and shows the effective value', async () => {
      expect((await whatsapp()).onUnknownOutcome).toBe('hold');
      expect((await http()).onUnknownOutcome).toBe('retry');
      const changed = await http({ onUnknownOutcome: 'hold' });
      expect(changed.onUnknownOutcome).toBe('hold');
      const reset = await t.api('PATCH', `/api/triggers/${changed.id}`, { onUnknownOutcome: null });
      expect(reset.body.onUnknownOutcome).toBe('retry');
      const invalid = await t.api('POST', '/api/triggers', {
        ...httpTrigger(`h-${++counter}`),
        onUnknownOutcome: 'maybe',
      });
      expect(invalid.status).toBe(400);
    });

    it('holds a WhatsApp send that timed out after the gateway read it as outcome_unknown, after exactly one request', async () => {
      stall();
      const { slug } = await whatsapp();
      const { body } = await t.hook(slug, order);
      const held = await settled(body.executionId);

      expect(held).toMatchObject({
        status: 'outcome_unknown',
        attemptCount: 1,
        errorCategory: 'transient',
        nextAttemptAt: null,
        finishedAt: null,
      });
      expect(held.attempts).toEqual([
        expect.objectContaining({ number: 1, outcome: 'unknown', httpStatus: null }),
      ]);
      expect(held.lastError).toContain('the request was sent');
      const dead = await t.database.query('SELECT 1 FROM dead_letters WHERE execution_id = $1', [
        body.executionId,
      ]);
      expect(dead).toHaveLength(0);
      // Nothing claims it again: no second request however long we look.
      await waitFor(async () => {
        const [row] = await t.database.query(
          'SELECT due_at, lease_owner FROM executions WHERE id = $1',
          [body.executionId],
        );
        return row.due_at === null && row.lease_owner === null ? true : undefined;
      });
      expect(target.requestsFor(body.executionId)).toHaveLength(1);
    });

    it('settles outcome_unknown with confirm: delivered → succeeded, not delivered → a transient dead letter', async () => {
      stall();
      const { slug } = await whatsapp();
      const first = (await t.hook(slug, order)).body.executionId as string;
      const second = (await t.hook(slug, { ...order, order: { id: 'A-2' } })).body
        .executionId as string;
      await settled(first);
      await settled(second);

      const delivered = await t.api('POST', `/api/executions/${first}/confirm`, {
        delivered: true,
      });
      expect(delivered.status).toBe(200);
      expect(delivered.body).toMatchObject({
        id: first,
        status: 'succeeded',
        errorCategory: null,
        lastError: null,
        finishedAt: expect.any(String),
      });
      const again = await t.api('POST', `/api/executions/${first}/confirm`, { delivered: true });
      expect(again).toMatchObject({ status: 409, body: { error: 'not_unknown' } });

      const lost = await t.api('POST', `/api/executions/${second}/confirm`, {
        delivered: false,
        note: 'not in the gateway log',
      });
      expect(lost.body).toMatchObject({ status: 'dead_lettered', errorCategory: 'transient' });
      const deadLetters = await t.api('GET', `/api/dead-letters?errorCategory=transient`);
      const deadLetter = deadLetters.body.items.find(
        (item: { executionId: string }) => item.executionId === second,
      );
      expect(deadLetter).toMatchObject({
        errorCategory: 'transient',
        resolvedAt: null,
        note: 'not in the gateway log',
      });
      // A dead letter like any other: it can be replayed.
      target.respondInTurn(201);
      const replay = await t.api('POST', `/api/dead-letters/${deadLetter.id}/replay`);
      expect(replay.status).toBe(202);
      expect((await settled(replay.body.executionId)).status).toBe('succeeded');
      // Both requests of the original were single: nothing was sent twice behind the operator's back.
      expect(target.requestsFor(first)).toHaveLength(1);
      expect(target.requestsFor(second)).toHaveLength(1);
    });

    it('refuses to confirm what is not outcome_unknown, and answers 404 and 400 as usual', async () => {
      target.respondInTurn(200);
      const { slug } = await http();
      const { body } = await t.hook(slug, {});
      await settled(body.executionId);
      const confirm = (id: string, payload: unknown) =>
        t.api('POST', `/api/executions/${id}/confirm`, payload);
      expect(await confirm(body.executionId, { delivered: true })).toMatchObject({
        status: 409,
        body: { error: 'not_unknown' },
      });
      expect(
        (await confirm('00000000-0000-4000-8000-000000000000', { delivered: true })).status,
      ).toBe(404);
      expect((await confirm(body.executionId, { delivered: 'yes' })).status).toBe(400);
      expect((await confirm('nope', { delivered: true })).body.error).toBe('invalid_id');
    });

    it('replays an outcome_unknown execution when the operator chooses to send it again', async () => {
      stall();
      const { slug } = await whatsapp();
      const { body } = await t.hook(slug, order);
      await settled(body.executionId);
      target.respondInTurn(201);
      const replay = await t.api('POST', `/api/executions/${body.executionId}/replay`);
      expect(replay.status).toBe(202);
      expect((await settled(replay.body.executionId)).status).toBe('succeeded');
      expect((await execution(body.executionId)).status).toBe('replayed');
    });

    it('holds, without sending again, a WhatsApp execution whose worker died mid-attempt', async () => {
      target.respondInTurn(201);
      const { id: triggerId } = await whatsapp();
      // As a worker that claimed it and died leaves it: running, lease expired.
      const [{ id }] = await t.database.query<{ id: string }>(
        `WITH lost AS (
           INSERT INTO executions (trigger_id, status, lease_owner, due_at, attempt_count,
                                   updated_at)
           VALUES ($1, 'running', 'dead-worker', now() - interval '1 second', 1,
                   now() - interval '40 seconds')
           RETURNING id
         ), payload AS (
           INSERT INTO execution_payloads (execution_id, payload, headers)
           SELECT id, $2::jsonb, '{}'::jsonb FROM lost
         )
         SELECT id FROM lost`,
        [triggerId, JSON.stringify(order)],
      );
      const held = await settled(id);
      expect(held).toMatchObject({ status: 'outcome_unknown', attemptCount: 1 });
      expect(held.attempts).toEqual([
        expect.objectContaining({ number: 1, outcome: 'unknown', httpStatus: null }),
      ]);
      expect(held.attempts[0].error).toContain('worker lost');
      expect(target.requestsFor(id)).toHaveLength(0);
    });

    it('counts outcome_unknown in stats and raises the outcome_unknown alert while one exists', async () => {
      stall();
      // Evolution API v2 cannot be asked about a message: an operator must confirm it (§15).
      const { slug } = await whatsapp({}, { provider: 'evolution-v2', instance: 'sales' });
      const { body } = await t.hook(slug, order);
      await settled(body.executionId);
      const stats = await t.api('GET', '/api/stats');
      expect(stats.body.byStatus.outcome_unknown).toBeGreaterThanOrEqual(1);
      // The alert counts what waits for an operator, not what the worker will still ask about.
      const [{ n: waiting }] = await t.database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM executions
         WHERE status = 'outcome_unknown' AND reconcile_at IS NULL`,
      );
      expect(waiting).toBeGreaterThanOrEqual(1);
      expect(stats.body.alerts).toContainEqual({ code: 'outcome_unknown', count: waiting });
      // Stored once for all processes (and POSTed to ALERT_WEBHOOK_URL when set).
      await waitFor(async () => {
        const rows = await t.database.query(`SELECT 1 FROM alerts WHERE code = 'outcome_unknown'`);
        return rows.length === 1 ? true : undefined;
      });
    });

    it('retries an http trigger after an unknown outcome by default, recording the attempt unknown', async () => {
      let calls = 0;
      target.respond((_request, response) => {
        if (calls++ > 0) {
          response.writeHead(200).end('ok');
        }
      });
      const { slug } = await http();
      const { body } = await t.hook(slug, { n: 1 });
      const done = await settled(body.executionId, ['succeeded', 'dead_lettered']);
      expect(done.status).toBe('succeeded');
      expect(done.attempts.map((a: { outcome: string }) => a.outcome)).toEqual([
        'unknown',
        'success',
      ]);
      expect(target.requestsFor(body.executionId)).toHaveLength(2);
    });

    it('still retries a refused connection as transient, even with hold', async () => {
      const closedPort = await freePort();
      const { slug } = await http({
        onUnknownOutcome: 'hold',
        retryPolicy: { ...fastRetries, maxAttempts: 2 },
        action: { type: 'http', url: `http://127.0.0.1:${closedPort}/down` },
      });
      const { body } = await t.hook(slug, {});
      const done = await settled(body.executionId);
      expect(done).toMatchObject({ status: 'dead_lettered', errorCategory: 'transient' });
      expect(done.attempts.map((a: { outcome: string }) => a.outcome)).toEqual([
        'transient',
        'transient',
      ]);
    });

    it('records unknown when the target resets the socket after reading the body', async () => {
      target.respond((_request, response) => response.socket?.resetAndDestroy());
      const { slug } = await http({ onUnknownOutcome: 'hold' });
      const { body } = await t.hook(slug, { n: 2 });
      const held = await settled(body.executionId);
      expect(held.status).toBe('outcome_unknown');
      expect(held.attempts[0]).toMatchObject({ outcome: 'unknown', httpStatus: null });
      expect(held.attempts[0].error).toContain('ECONNRESET');
      expect(target.requestsFor(body.executionId)).toHaveLength(1);
    });
  });

  describe('key conflicts', () => {
    it('answers a reused key with another body 200 conflict true, the same body conflict false, and counts both', async () => {
      const { slug } = await http({ action: { type: 'http', url: `${target.url}/hook` } });
      const headers = { 'idempotency-key': `evt-${++counter}` };
      const original = await t.hook(slug, { amount: 10 }, headers);
      expect(original.status).toBe(202);
      const same = await t.hook(slug, { amount: 10 }, headers);
      const other = await t.hook(slug, { amount: 99 }, headers);
      expect(same).toMatchObject({
        status: 200,
        body: { status: 'duplicate', executionId: original.body.executionId, conflict: false },
      });
      expect(other).toMatchObject({
        status: 200,
        body: { status: 'duplicate', executionId: original.body.executionId, conflict: true },
      });

      const stored = await execution(original.body.executionId);
      expect(stored).toMatchObject({
        duplicateCount: 2,
        conflictCount: 1,
        payload: { amount: 10 },
      });
      const listed = await t.api(
        'GET',
        `/api/executions?idempotencyKey=${headers['idempotency-key']}`,
      );
      expect(listed.body.items).toEqual([
        expect.objectContaining({ duplicateCount: 2, conflictCount: 1 }),
      ]);
      const stats = await t.api('GET', '/api/stats');
      expect(stats.body.idempotencyConflicts).toBeGreaterThanOrEqual(1);
      expect(stats.body.idempotentReplays).toBeGreaterThanOrEqual(2);
    });
  });

  describe('loop guard', () => {
    it('refuses a delivery deeper than MAX_TRIGGER_DEPTH with 400 loop_detected, before deduplication', async () => {
      const { slug } = await http();
      const headers = { 'idempotency-key': `loop-${++counter}` };
      const accepted = await t.hook(slug, {}, { ...headers, 'x-triggerline-depth': '8' });
      expect(accepted.status).toBe(202);
      const refused = await t.hook(slug, {}, { ...headers, 'x-triggerline-depth': '9' });
      expect(refused).toMatchObject({ status: 400, body: { error: 'loop_detected' } });
    });

    it('sends X-Triggerline-Depth one above the delivery', async () => {
      const { slug } = await http();
      const first = await t.hook(slug, {});
      const deeper = await t.hook(slug, {}, { 'x-triggerline-depth': '3' });
      await settled(first.body.executionId);
      await settled(deeper.body.executionId);
      expect(target.requestsFor(first.body.executionId)[0].headers['x-triggerline-depth']).toBe(
        '1',
      );
      expect(target.requestsFor(deeper.body.executionId)[0].headers['x-triggerline-depth']).toBe(
        '4',
      );
    });

    it('ends a direct ping-pong of two triggers at once: the forwarded key is a duplicate', async () => {
      const ping = `ping-${++counter}`;
      const pong = `pong-${counter}`;
      const direct = (to: string) => ({
        action: { type: 'http', url: `${t.baseUrl}/hooks/${to}` },
      });
      const a = await create(httpTrigger(ping, direct(pong)));
      const b = await create(httpTrigger(pong, direct(ping)));
      await t.hook(ping, { hello: 'loop' });
      // ping(0) -> pong(1) -> ping(2) -> pong: key already seen, 200 duplicate.
      await waitFor(async () => {
        const [row] = await t.database.query(
          `SELECT count(*)::int AS n, count(*) FILTER (WHERE status = 'succeeded')::int AS ok
           FROM executions WHERE trigger_id = ANY($1)`,
          [[a.id, b.id]],
        );
        return row.n === 3 && row.ok === 3 ? true : undefined;
      });
    });

    it('stops two triggers that call each other at MAX_TRIGGER_DEPTH when each hop has a new key', async () => {
      // A relay between them re-emits each event without its key, as a sender that assigns
      // its own ids would: deduplication cannot help, only the depth can.
      target.respond(async (request, response) => {
        const forwarded = await fetch(`${t.baseUrl}/hooks${request.path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-triggerline-depth': String(request.headers['x-triggerline-depth']),
          },
          body: request.body,
        });
        response.writeHead(forwarded.status).end(await forwarded.text());
      });
      const ping = `ping-${++counter}`;
      const pong = `pong-${counter}`;
      const loop = (to: string) => ({
        retryPolicy: { ...fastRetries, maxAttempts: 1 },
        action: { type: 'http', url: `${target.url}/${to}` },
      });
      const a = await create(httpTrigger(ping, loop(pong)));
      const b = await create(httpTrigger(pong, loop(ping)));
      await t.hook(ping, { hello: 'loop' });

      const count = () =>
        t.database.query<{ depth: number; status: string; last_error: string | null }>(
          `SELECT depth, status, last_error FROM executions WHERE trigger_id = ANY($1)
           ORDER BY depth`,
          [[a.id, b.id]],
        );
      // Depths 0..8 are accepted; the execution at depth 8 sends depth 9, which is refused.
      const rows = await waitFor(async () => {
        const all = await count();
        return all.length === 9 && all[8].status === 'dead_lettered' ? all : undefined;
      });
      expect(rows.map((row) => row.depth)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(rows.slice(0, 8).every((row) => row.status === 'succeeded')).toBe(true);
      expect(rows[8].last_error).toContain('400');
      const [deadLetter] = await t.database.query(
        `SELECT d.error_category FROM dead_letters d JOIN executions e ON e.id = d.execution_id
         WHERE e.trigger_id = ANY($1)`,
        [[a.id, b.id]],
      );
      expect(deadLetter.error_category).toBe('permanent');
      // Nothing further happens: the chain ended.
      const [{ unfinished }] = await t.database.query(
        `SELECT count(*)::int AS unfinished FROM executions
         WHERE trigger_id = ANY($1) AND finished_at IS NULL`,
        [[a.id, b.id]],
      );
      expect(unfinished).toBe(0);
      expect(await count()).toHaveLength(9);
    });
  });
});
