import { freePort } from './support/spawned-app';
import { HttpTarget } from './support/http-target';
import { httpTrigger, whatsappTrigger } from './support/fixtures';
import { startTestApp, type TestApp, waitFor } from './support/test-app';

const fastRetries = { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 1000, jitterMs: 100 };
// Scheduling latency allowed above the formula's upper bound (timers, two busy cores).
const LATENCY_MS = 400;

describe('dispatch', () => {
  let t: TestApp;
  let target: HttpTarget;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp({ WORKER_POLL_INTERVAL_MS: '5000' });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    target = await HttpTarget.start();
  });
  afterEach(() => target.close());

  async function trigger(
    overrides: Record<string, unknown> = {},
    action?: Record<string, unknown>,
  ) {
    const slug = `t-${++counter}`;
    const body = httpTrigger(slug, {
      retryPolicy: fastRetries,
      action: action ?? { type: 'http', url: `${target.url}/hook` },
      ...overrides,
    });
    const created = await t.api('POST', '/api/triggers', body);
    expect(created.status).toBe(201);
    return slug;
  }

  async function finished(executionId: string) {
    return waitFor(
      async () => {
        const execution = await t.api('GET', `/api/executions/${executionId}`);
        const isFinal = ['succeeded', 'dead_lettered'].includes(execution.body.status);
        return isFinal ? execution.body : undefined;
      },
      { what: `execution ${executionId} to finish` },
    );
  }

  async function deadLetterOf(executionId: string) {
    const rows = await t.database.query(
      'SELECT error_category, attempt_count, resolved_at FROM dead_letters WHERE execution_id = $1',
      [executionId],
    );
    return rows[0];
  }

  it('starts the first attempt within tens of milliseconds of acceptance', async () => {
    const slug = await trigger();
    const sentAt = Date.now();
    const { body } = await t.hook(slug, { hello: 1 });
    await finished(body.executionId);
    // The poll period is 5 s here: only the in-process wake-up can be this quick.
    expect(target.received[0].at - sentAt).toBeLessThan(1000);
  });

  it('succeeds on attempt 3 after 503, 503, with gaps inside the backoff bounds', async () => {
    target.respondInTurn(503, 503, 200);
    const slug = await trigger();
    const { body } = await t.hook(slug, { order: 7 }, { 'idempotency-key': 'order-7' });
    const execution = await finished(body.executionId);

    expect(execution.status).toBe('succeeded');
    expect(execution.attemptCount).toBe(3);
    expect(execution.attempts.map((a: any) => [a.number, a.outcome, a.httpStatus])).toEqual([
      [1, 'transient', 503],
      [2, 'transient', 503],
      [3, 'success', 200],
    ]);
    const [first, second, third] = target.requestsFor(body.executionId);
    // After attempt n the delay is min(max, base * 2^(n-1)) + U * jitter.
    expect(second.at - first.at).toBeGreaterThanOrEqual(200);
    expect(second.at - first.at).toBeLessThan(200 + 100 + LATENCY_MS);
    expect(third.at - second.at).toBeGreaterThanOrEqual(400);
    expect(third.at - second.at).toBeLessThan(400 + 100 + LATENCY_MS);
    expect(first.headers['idempotency-key']).toBe('order-7');
    expect(third.headers['idempotency-key']).toBe('order-7');
    expect(third.headers['x-triggerline-execution']).toBe(body.executionId);
    expect(third.headers['x-triggerline-attempt']).toBe('3');
    expect(JSON.parse(first.body)).toEqual({ order: 7 });
  });

  it('dead-letters a 400 after one attempt as permanent', async () => {
    target.respondInTurn(400);
    const slug = await trigger();
    const { body } = await t.hook(slug, { bad: true });
    const execution = await finished(body.executionId);
    expect(execution).toMatchObject({
      status: 'dead_lettered',
      attemptCount: 1,
      errorCategory: 'permanent',
      lastError: expect.stringContaining('400'),
      nextAttemptAt: null,
      finishedAt: expect.any(String),
    });
    expect(execution.attempts[0].responseExcerpt).toBe('status 400');
    expect(await deadLetterOf(body.executionId)).toMatchObject({
      error_category: 'permanent',
      attempt_count: 1,
      resolved_at: null,
    });
  });

  it('dead-letters an always-503 target after maxAttempts as transient, every attempt recorded', async () => {
    target.respondInTurn(503);
    const slug = await trigger();
    const { body } = await t.hook(slug, {});
    const execution = await finished(body.executionId);
    expect(execution.status).toBe('dead_lettered');
    expect(execution.errorCategory).toBe('transient');
    expect(execution.attempts.map((a: any) => a.number)).toEqual([1, 2, 3]);
    expect(execution.attempts.every((a: any) => a.httpStatus === 503)).toBe(true);
    expect(target.requestsFor(body.executionId)).toHaveLength(3);
    expect(await deadLetterOf(body.executionId)).toMatchObject({
      error_category: 'transient',
      attempt_count: 3,
    });
  });

  it('records a target slower than timeoutMs as unknown, an http trigger going on as transient', async () => {
    target.respond(() => undefined); // never answers
    const slug = await trigger(
      { retryPolicy: { ...fastRetries, maxAttempts: 1 } },
      { type: 'http', url: `${target.url}/slow`, timeoutMs: 300 },
    );
    const { body } = await t.hook(slug, {});
    const execution = await finished(body.executionId);
    expect(execution.errorCategory).toBe('transient');
    expect(execution.attempts[0]).toMatchObject({
      outcome: 'unknown',
      httpStatus: null,
      error: 'Timed out after 300 ms waiting for the response (the request was sent)',
    });
    expect(execution.attempts[0].durationMs).toBeGreaterThanOrEqual(300);
  });

  it('delays the retry by at least Retry-After', async () => {
    let calls = 0;
    target.respond((_request, response) => {
      if (calls++ === 0) {
        response.writeHead(503, { 'retry-after': '2' }).end();
      } else {
        response.writeHead(200).end();
      }
    });
    const slug = await trigger();
    const { body } = await t.hook(slug, {});
    const execution = await finished(body.executionId);
    expect(execution.status).toBe('succeeded');
    const [first, second] = target.requestsFor(body.executionId);
    expect(second.at - first.at).toBeGreaterThanOrEqual(2000);
  });

  it('never follows a redirect: a 302 is permanent', async () => {
    target.respond((_request, response) =>
      response.writeHead(302, { location: '/elsewhere' }).end(),
    );
    const slug = await trigger();
    const { body } = await t.hook(slug, {});
    const execution = await finished(body.executionId);
    expect(execution).toMatchObject({ status: 'dead_lettered', errorCategory: 'permanent' });
    expect(target.received.map((r) => r.path)).toEqual(['/hook']);
  });

  it('retries a refused connection as transient and uses the execution id as key without one', async () => {
    const closedPort = await freePort();
    const slug = await trigger(
      { retryPolicy: { ...fastRetries, maxAttempts: 2 } },
      { type: 'http', url: `http://127.0.0.1:${closedPort}/down` },
    );
    const { body } = await t.hook(slug, {});
    const execution = await finished(body.executionId);
    expect(execution).toMatchObject({
      status: 'dead_lettered',
      errorCategory: 'transient',
      attemptCount: 2,
    });
    expect(execution.attempts[0].error).toContain('ECONNREFUSED');

    const ok = await trigger();
    const delivered = await t.hook(ok, { no: 'key' });
    await finished(delivered.body.executionId);
    expect(target.requestsFor(delivered.body.executionId)[0].headers['idempotency-key']).toBe(
      delivered.body.executionId,
    );
  });

  it('sends a WhatsApp message as { number, text } with the apikey header', async () => {
    target.respondInTurn(201);
    const slug = `wa-${++counter}`;
    await t.api(
      'POST',
      '/api/triggers',
      whatsappTrigger(slug, target.url, { retryPolicy: fastRetries }),
    );
    const { body } = await t.hook(slug, {
      phone: '5511999990000',
      name: 'Ana',
      order: { id: 'A-1' },
    });
    const execution = await finished(body.executionId);
    expect(execution.status).toBe('succeeded');
    const [request] = target.requestsFor(body.executionId);
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/send/text');
    expect(request.headers.apikey).toBe('evolution-api-key');
    expect(JSON.parse(request.body)).toEqual({
      number: '5511999990000',
      text: 'Hello Ana, order A-1 shipped',
      // SPEC §15: Evolution Go's client message id, derived from the event.
      id: expect.stringMatching(/^3EB0[0-9A-F]{18}$/),
    });
  });

  it('dead-letters a WhatsApp delivery without recipient or template value as permanent, sending nothing', async () => {
    const slug = `wa-${++counter}`;
    await t.api(
      'POST',
      '/api/triggers',
      whatsappTrigger(slug, target.url, { retryPolicy: fastRetries }),
    );
    const noRecipient = await t.hook(slug, { name: 'Ana', order: { id: 1 } });
    const noValue = await t.hook(slug, { phone: '55119', order: { id: 1 } });
    const first = await finished(noRecipient.body.executionId);
    const second = await finished(noValue.body.executionId);
    expect(first).toMatchObject({
      status: 'dead_lettered',
      errorCategory: 'permanent',
      attemptCount: 1,
    });
    expect(first.lastError).toContain('phone');
    expect(second).toMatchObject({ status: 'dead_lettered', errorCategory: 'permanent' });
    expect(second.lastError).toContain('name');
    expect(target.received).toHaveLength(0);
  });

  it('exposes Prometheus metrics of deliveries, attempts, dead letters and the queue', async () => {
    target.respondInTurn(503, 200, 400);
    const slug = await trigger();
    await finished((await t.hook(slug, { n: 1 })).body.executionId);
    await finished((await t.hook(slug, { n: 2 })).body.executionId);
    const response = await fetch(`${t.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/triggerline_deliveries_total\{outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/triggerline_attempts_total\{outcome="success"\} [1-9]/);
    expect(text).toMatch(/triggerline_attempts_total\{outcome="transient"\} [1-9]/);
    expect(text).toMatch(/triggerline_dead_letters_total [1-9]/);
    expect(text).toMatch(/triggerline_dead_letter_queue_size [1-9]/);
    expect(text).toMatch(/triggerline_due_executions \d+/);
    expect(text).toMatch(/triggerline_oldest_due_execution_age_seconds \d+/);
  });
});
