import { httpTrigger } from './support/fixtures';
import { useFlowProcesses } from './support/flow-processes';
import { waitFor } from './support/test-app';
import { describeWithPostgres } from './support/test-database';

// Flow control holds across worker processes because the claim enforces it in the database:
// one API process and two worker processes on one PostgreSQL database, as in production.
describeWithPostgres('flow control across worker processes', () => {
  const flow = useFlowProcesses();
  const { createTrigger, deliver, executionsOf, allSucceeded, arrivals } = flow;

  it('refuses malformed flow-control settings with the details', async () => {
    const response = await flow.api.api(
      'POST',
      '/api/triggers',
      httpTrigger('bad-flow', {
        rateLimit: { limit: 0, periodMs: 50 },
        maxConcurrency: 1001,
        circuitBreaker: { failureThreshold: 3 },
        dailyWatermarkAction: 'block',
        watermarkGroup: 'Not A Slug',
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('validation_failed');
    expect(response.body.details).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rateLimit\.limit/),
        expect.stringMatching(/^rateLimit\.periodMs/),
        expect.stringMatching(/^maxConcurrency/),
        expect.stringMatching(/^circuitBreaker\.cooldownMs/),
        expect.stringMatching(/^dailyWatermarkAction/),
        expect.stringMatching(/^watermarkGroup/),
      ]),
    );
    const notObject = await flow.api.api(
      'POST',
      '/api/triggers',
      httpTrigger('bad-flow', { rateLimit: 5 }),
    );
    expect(notObject.status).toBe(400);
    expect((await flow.api.api('POST', '/api/triggers/not-a-uuid/pause')).status).toBe(400);
    const unknown = await flow.api.api(
      'POST',
      '/api/triggers/00000000-0000-4000-8000-000000000000/pause',
    );
    expect(unknown.status).toBe(404);
  });

  it('rate limit {2, 1000}: 10 deliveries, no second at the target holds more than 2, none retried', async () => {
    const trigger = await createTrigger('rated', { rateLimit: { limit: 2, periodMs: 1000 } });
    expect(trigger).toMatchObject({ rateLimit: { limit: 2, periodMs: 1000 }, paused: false });
    await deliver('rated', 10);
    const rows = await waitFor(allSucceeded('rated', 10), {
      what: '10 rate-limited executions to succeed',
      timeoutMs: 60_000,
    });
    expect(rows.every((row) => row.attempt_count === 1 && row.held_by === null)).toBe(true);
    const times = arrivals('rated').map((request) => request.at);
    expect(times).toHaveLength(10);
    const inOneSecond = (at: number) => times.filter((o) => o >= at && o < at + 1000).length;
    const worst = Math.max(...times.map(inOneSecond));
    // The arrivals (ms after the first) say what happened when it fails.
    expect({ worst, arrivalsMs: times.map((at) => at - times[0]) }).toMatchObject({
      worst: Math.min(worst, 2),
    });
    // Either worker may take any start: the limit is the database's, not a worker's.
    const { rows: attempts } = await flow.db.query(
      `SELECT count(*)::int AS n, max(a.number)::int AS max_number FROM attempts a
       JOIN executions e ON e.id = a.execution_id JOIN triggers t ON t.id = e.trigger_id
       WHERE t.slug = 'rated'`,
    );
    expect(attempts[0]).toEqual({ n: 10, max_number: 1 });
  });

  it('maxConcurrency 1: a 300 ms target never sees two requests at once across two workers', async () => {
    const slow = flow.target.respondSlowly({
      holdMs: 300,
      holds: (request) => request.path === '/single',
    });
    await createTrigger('single', { maxConcurrency: 1 });
    await deliver('single', 6);
    const rows = await waitFor(allSucceeded('single', 6), {
      what: '6 single-file executions to succeed',
      timeoutMs: 60_000,
    });
    expect(slow.mostAtOnce).toBe(1);
    expect(rows.every((row) => row.attempt_count === 1)).toBe(true);
    expect(arrivals('single')).toHaveLength(6);
  });

  it('switching a control off lets the executions it held run at once', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    flow.target.respond(async (request, response) => {
      if (request.path === '/relaxed') {
        await released;
      }
      response.writeHead(200).end('ok');
    });
    const trigger = await createTrigger('relaxed', { maxConcurrency: 1 });
    await deliver('relaxed', 3);
    await waitFor(
      async () => {
        const rows = await executionsOf('relaxed');
        const waiting = rows.filter((row) => row.held_by === 'concurrency');
        return arrivals('relaxed').length === 1 && waiting.length === 2 ? true : undefined;
      },
      { what: 'one request in flight and two executions waiting for the slot' },
    );

    const patched = await flow.api.api('PATCH', `/api/triggers/${trigger.id}`, {
      maxConcurrency: null,
    });
    expect(patched.body.maxConcurrency).toBeNull();
    await waitFor(() => (arrivals('relaxed').length === 3 ? true : undefined), {
      what: 'the two held executions to start while the first is still in flight',
    });
    release();
    await waitFor(allSucceeded('relaxed', 3), { what: 'all three to succeed' });
  });

  it('pause holds every delivery without spending attempts; resume delivers each once', async () => {
    flow.target.respond((_request, response) => response.writeHead(200).end('ok'));
    const trigger = await createTrigger('pausable', {});
    const paused = await flow.api.api('POST', `/api/triggers/${trigger.id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.paused).toBe(true);
    const ids = await deliver('pausable', 5);
    await waitFor(
      async () => {
        const rows = await executionsOf('pausable');
        return rows.every((row) => row.held_by === 'paused') ? rows : undefined;
      },
      { what: 'the 5 executions to be held as paused' },
    );
    const execution = await flow.api.api('GET', `/api/executions/${ids[0]}`);
    expect(execution.body).toMatchObject({
      status: 'pending',
      heldBy: 'paused',
      attemptCount: 0,
      nextAttemptAt: null,
    });
    const stats = await flow.api.api('GET', '/api/stats');
    expect(stats.body.triggers).toContainEqual(
      expect.objectContaining({
        slug: 'pausable',
        paused: true,
        backlog: 5,
        circuitState: 'closed',
      }),
    );
    expect(arrivals('pausable')).toHaveLength(0);

    const resumed = await flow.api.api('POST', `/api/triggers/${trigger.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.paused).toBe(false);
    const rows = await waitFor(allSucceeded('pausable', 5), { what: 'the 5 to succeed' });
    expect(rows.every((row) => row.attempt_count === 1 && row.held_by === null)).toBe(true);
    expect(arrivals('pausable')).toHaveLength(5);
    expect(new Set(arrivals('pausable').map((r) => r.headers['idempotency-key'])).size).toBe(5);
    const apiOutput = flow.apps[0].output();
    expect(apiOutput).toContain('"evt":"trigger_paused"');
    expect(apiOutput).toContain('"evt":"trigger_resumed"');
  });

  it('breaker {3, 2000}: a failing target sees 3 requests and one probe per cooldown; all 20 succeed after it recovers', async () => {
    let isFailing = true;
    flow.target.respond((request, response) => {
      if (request.path === '/fragile' && isFailing) {
        response.writeHead(503).end('down');
      } else {
        response.writeHead(200).end('ok');
      }
    });
    const trigger = await createTrigger('fragile', {
      circuitBreaker: { failureThreshold: 3, cooldownMs: 2000 },
      retryPolicy: { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 200, jitterMs: 0 },
    });
    const failingSince = Date.now();
    await deliver('fragile', 20);
    const opened = await waitFor(
      async () => {
        const current = await flow.api.api('GET', `/api/triggers/${trigger.id}`);
        return current.body.circuit.state === 'open' ? current.body : undefined;
      },
      { what: 'the circuit to open' },
    );
    expect(opened.circuit).toMatchObject({
      consecutiveFailures: 3,
      openedAt: expect.any(String),
      reopensAt: expect.any(String),
    });
    const held = await waitFor(
      async () => {
        const rows = await executionsOf('fragile');
        const waiting = rows.filter((row) => row.held_by === 'circuit_open');
        return waiting.length >= 15 ? waiting : undefined;
      },
      { what: 'executions held by the open circuit' },
    );
    const execution = await flow.api.api('GET', `/api/executions/${held[0].id}`);
    expect(execution.body.heldBy).toBe('circuit_open');
    // Two probes fail, one per cooldown.
    await waitFor(() => (arrivals('fragile').length >= 5 ? true : undefined), {
      what: 'two probes',
      timeoutMs: 30_000,
    });
    const stats = await flow.api.api('GET', '/api/stats');
    expect(stats.body.alerts).toContainEqual({
      code: 'circuit_open',
      triggerId: trigger.id,
      since: opened.circuit.openedAt,
    });
    isFailing = false;
    const failedFor = Date.now() - failingSince;
    const failedRequests = arrivals('fragile').length;
    expect(failedRequests).toBeLessThanOrEqual(3 + Math.ceil(failedFor / 2000));

    await waitFor(allSucceeded('fragile', 20), {
      what: 'all 20 to succeed after recovery',
      timeoutMs: 60_000,
    });
    // Logged once, by the worker whose attempt opened it (workers log warnings and above here).
    const workerOutput = flow.apps[1].output() + flow.apps[2].output();
    expect(workerOutput).toContain('"evt":"circuit_opened"');
    const { rows: deadLetters } = await flow.db.query(
      `SELECT count(*)::int AS n FROM dead_letters WHERE trigger_id = $1`,
      [trigger.id],
    );
    expect(deadLetters[0].n).toBe(0);
    const closed = await flow.api.api('GET', `/api/triggers/${trigger.id}`);
    expect(closed.body.circuit).toEqual({
      state: 'closed',
      consecutiveFailures: 0,
      openedAt: null,
      reopensAt: null,
    });
    // Raised once across the three processes, and POSTed once.
    const posted = await flow.postedAlerts(
      (alert) => alert.code === 'circuit_open',
      'the circuit_open alert to be POSTed',
    );
    expect(posted).toEqual([
      expect.objectContaining({ code: 'circuit_open', triggerId: trigger.id }),
    ]);
  });

  it('watermark hold shared by a group: the 4th first attempt across two triggers waits until released', async () => {
    flow.target.respond((_request, response) => response.writeHead(200).end('ok'));
    const hold = { dailyWatermark: 3, dailyWatermarkAction: 'hold', watermarkGroup: 'wa-number' };
    const first = await createTrigger('wa-a', hold);
    await createTrigger('wa-b', hold);
    await deliver('wa-a', 2);
    await waitFor(allSucceeded('wa-a', 2), { what: 'wa-a to send 2' });
    await deliver('wa-b', 1);
    await waitFor(allSucceeded('wa-b', 1), { what: 'wa-b to send 1' });
    const [heldId] = await deliver('wa-b', 1, 'wa-b-late');
    const held = await waitFor(
      async () => {
        const execution = await flow.api.api('GET', `/api/executions/${heldId}`);
        return execution.body.heldBy === 'watermark' ? execution.body : undefined;
      },
      { what: 'the 4th to be held by the watermark' },
    );
    expect(held).toMatchObject({ status: 'pending', attemptCount: 0 });
    expect(Date.parse(held.nextAttemptAt)).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(arrivals('wa-b')).toHaveLength(1);

    const released = await flow.api.api('POST', `/api/triggers/${first.id}/release-watermark`);
    expect(released.status).toBe(200);
    await waitFor(allSucceeded('wa-b', 2), { what: 'the released execution to run' });
    expect(arrivals('wa-b')).toHaveLength(2);
    const metrics = await (await fetch(`${flow.apps[1].baseUrl}/metrics`)).text();
    expect(metrics).toContain('triggerline_held_executions{reason="watermark"} 0');
    expect(metrics).toContain('triggerline_circuit_openings_total');
  });
});
