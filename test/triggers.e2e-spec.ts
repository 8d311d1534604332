import { httpTrigger, whatsappTrigger } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

describe('triggers API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RETRY_MAX_ATTEMPTS: '4', RETRY_BASE_DELAY_MS: '1500' });
  });
  afterAll(() => t.close());

  it('refuses requests without the admin token', async () => {
    const response = await fetch(`${t.baseUrl}/api/triggers`);
    expect(response.status).toBe(401);
    expect((await response.json()) as any).toEqual({
      error: 'unauthorized',
      message: expect.any(String),
    });
    const wrong = await fetch(`${t.baseUrl}/api/triggers`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
  });

  it('creates a trigger with defaults and never returns secrets', async () => {
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('orders', { secret: 's3cret-value' }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: 'Trigger orders',
      slug: 'orders',
      enabled: true,
      action: {
        type: 'http',
        url: 'http://127.0.0.1:9/unused',
        method: 'POST',
        headers: null,
        secretHeaderNames: [],
        body: 'payload',
        forwardHeaders: [],
        signing: null,
        timeoutMs: 10000,
      },
      routes: [],
      retryPolicy: { maxAttempts: 4, baseDelayMs: 1500, maxDelayMs: 8000, jitterMs: 500 },
      idempotencyKeyPaths: [
        'idempotency_key',
        'messageId',
        'data.messageId',
        'data.idempotency_key',
      ],
      hasSecret: true,
      dailyWatermark: null,
      onDeadLetter: null,
      onUnknownOutcome: 'retry',
      silenceAlertMinutes: null,
      rateLimit: null,
      maxConcurrency: null,
      circuitBreaker: null,
      dailyWatermarkAction: 'alert',
      watermarkGroup: null,
      flowGroup: null,
      paused: false,
      circuit: { state: 'closed', consecutiveFailures: 0, openedAt: null, reopensAt: null },
      // SPEC §15: an http trigger has no provider, so no default rules.
      classificationRules: [],
      hasOwnClassificationRules: false,
      orderingKeyPath: null,
      orderingOnDeadLetter: 'continue',
      deliveryWindow: null,
      delayMs: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      // The v1 `secret` is the hmac-sha256 shorthand.
      verification: {
        scheme: 'hmac-sha256',
        secrets: [{ expiresAt: null }],
        toleranceSeconds: 300,
        in: null,
        name: null,
        header: null,
        algorithm: null,
        encoding: null,
        prefix: null,
        hasVerifyToken: false,
      },
      idempotencyKeyHeaders: ['Idempotency-Key'],
      filter: null,
      redactPaths: [],
    });
    expect(JSON.stringify(created.body)).not.toContain('s3cret-value');
    const listed = await t.api('GET', '/api/triggers');
    expect(listed.body.items.map((item: { slug: string }) => item.slug)).toContain('orders');
    expect(JSON.stringify(listed.body)).not.toContain('s3cret-value');
  });

  it('defaults a WhatsApp trigger to a watermark of 50 and hides the api key', async () => {
    const created = await t.api(
      'POST',
      '/api/triggers',
      whatsappTrigger('wa-default', 'http://127.0.0.1:8080'),
    );
    expect(created.status).toBe(201);
    expect(created.body.dailyWatermark).toBe(50);
    // SPEC §15: a v1 action reads as Evolution Go with its text message.
    expect(created.body.action).toEqual({
      type: 'whatsapp',
      provider: 'evolution-go',
      baseUrl: 'http://127.0.0.1:8080',
      instance: null,
      phoneNumberId: null,
      toPath: 'phone',
      textTemplate: 'Hello {{name}}, order {{order.id}} shipped',
      message: { kind: 'text', textTemplate: 'Hello {{name}}, order {{order.id}} shipped' },
      typingDelayMs: null,
      // Evolution Go can be asked about an unknown outcome: the default wait before asking.
      reconcileAfterMs: 60000,
      timeoutMs: 10000,
      hasApiKey: true,
    });
    expect(JSON.stringify(created.body)).not.toContain('evolution-api-key');
  });

  it('answers 409 slug_taken for a second trigger with the same slug', async () => {
    await t.api('POST', '/api/triggers', httpTrigger('taken'));
    const again = await t.api('POST', '/api/triggers', httpTrigger('taken'));
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('slug_taken');
  });

  it.each([
    ['an unknown field', httpTrigger('unknown-field', { colour: 'red' })],
    ['a bad slug', httpTrigger('Bad Slug')],
    ['a slug starting with a dash', httpTrigger('-dash')],
    ['an unknown action type', httpTrigger('bad-action', { action: { type: 'ftp', url: 'x' } })],
    ['an invalid url', httpTrigger('bad-url', { action: { type: 'http', url: 'not a url' } })],
    [
      'a bad method',
      httpTrigger('bad-method', { action: { type: 'http', url: 'http://a.test', method: 'GET' } }),
    ],
    ['too many attempts', httpTrigger('bad-retry', { retryPolicy: { maxAttempts: 21 } })],
    ['zero attempts', httpTrigger('zero-retry', { retryPolicy: { maxAttempts: 0 } })],
    ['a bad glob', httpTrigger('bad-glob', { onDeadLetter: 'a*b' })],
    ['a negative watermark', httpTrigger('bad-watermark', { dailyWatermark: -1 })],
    [
      'a WhatsApp action without api key',
      whatsappTrigger('wa-no-key', 'http://x.test', {
        action: { type: 'whatsapp', baseUrl: 'http://x.test', toPath: 'p', textTemplate: 't' },
      }),
    ],
    [
      'an unknown action field',
      httpTrigger('extra-action', { action: { type: 'http', url: 'http://a.test', foo: 1 } }),
    ],
  ])('answers 400 validation_failed with details for %s', async (_case, body) => {
    const response = await t.api('POST', '/api/triggers', body);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('validation_failed');
    expect(response.body.details.length).toBeGreaterThan(0);
  });

  it('answers 400 invalid_body for malformed JSON', async () => {
    const response = await fetch(`${t.baseUrl}/api/triggers`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer test-admin-token-0123456789',
        'content-type': 'application/json',
      },
      body: '{"name":',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error).toBe('invalid_body');
  });

  it('reads, updates and deletes a trigger', async () => {
    const created = await t.api(
      'POST',
      '/api/triggers',
      whatsappTrigger('wa-edit', 'http://127.0.0.1:8080'),
    );
    const id = created.body.id;
    expect((await t.api('GET', `/api/triggers/${id}`)).body.slug).toBe('wa-edit');

    const updated = await t.api('PATCH', `/api/triggers/${id}`, {
      enabled: false,
      retryPolicy: { maxAttempts: 7 },
      action: {
        type: 'whatsapp',
        baseUrl: 'http://127.0.0.1:8081',
        toPath: 'to',
        textTemplate: 'hi',
      },
      onDeadLetter: 'orders-*',
    });
    expect(updated.status).toBe(200);
    expect(updated.body.enabled).toBe(false);
    expect(updated.body.retryPolicy).toEqual({
      maxAttempts: 7,
      baseDelayMs: 1500,
      maxDelayMs: 8000,
      jitterMs: 500,
    });
    // The api key was kept although the update did not repeat it.
    expect(updated.body.action.hasApiKey).toBe(true);
    expect(updated.body.onDeadLetter).toBe('orders-*');

    expect((await t.api('DELETE', `/api/triggers/${id}`)).status).toBe(204);
    const gone = await t.api('GET', `/api/triggers/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toBe('trigger_not_found');
    expect((await t.api('DELETE', `/api/triggers/${id}`)).status).toBe(404);
    expect((await t.api('PATCH', `/api/triggers/${id}`, { enabled: true })).status).toBe(404);
  });

  it('answers 400 invalid_id for a malformed id', async () => {
    const response = await t.api('GET', '/api/triggers/not-a-uuid');
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_id');
  });

  it('answers 409 slug_taken when renaming onto a used slug', async () => {
    await t.api('POST', '/api/triggers', httpTrigger('first'));
    const second = await t.api('POST', '/api/triggers', httpTrigger('second'));
    const response = await t.api('PATCH', `/api/triggers/${second.body.id}`, { slug: 'first' });
    expect(response.status).toBe(409);
    expect(response.body.error).toBe('slug_taken');
  });

  it('serves Swagger UI and the OpenAPI document with the bearer scheme', async () => {
    const ui = await fetch(`${t.baseUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const json = await fetch(`${t.baseUrl}/docs-json`);
    const document = (await json.json()) as any;
    expect(document.components.securitySchemes.bearer).toBeDefined();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/hooks/{slug}',
        '/api/triggers',
        '/api/executions/{id}',
        '/health/ready',
      ]),
    );
    expect(document.paths['/hooks/{slug}'].post.responses['413']).toBeDefined();
  });

  it('answers 404 not_found with the error shape for unknown routes, and sets security headers', async () => {
    const response = await fetch(`${t.baseUrl}/nope`);
    expect(response.status).toBe(404);
    expect((await response.json()) as any).toEqual({
      error: 'not_found',
      message: expect.any(String),
    });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it("answers the retry schedule of the trigger's policy and timeout", async () => {
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('scheduled', {
        retryPolicy: { maxAttempts: 3, baseDelayMs: 2000, maxDelayMs: 8000, jitterMs: 500 },
      }),
    );
    const schedule = await t.api('GET', `/api/triggers/${created.body.id}/retry-schedule`);
    expect(schedule.status).toBe(200);
    expect(schedule.body).toEqual({
      attempts: [
        { number: 2, earliestMs: 2000, latestMs: 12_499 },
        { number: 3, earliestMs: 6000, latestMs: 26_998 },
      ],
      worstCaseMs: 36_998,
    });
    const missing = await t.api(
      'GET',
      '/api/triggers/00000000-0000-4000-8000-000000000000/retry-schedule',
    );
    expect(missing.status).toBe(404);
  });

  it('stores silenceAlertMinutes between 1 and 10080, and null to turn it off', async () => {
    const created = await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('quiet', { silenceAlertMinutes: 60 }),
    );
    expect(created.body.silenceAlertMinutes).toBe(60);
    for (const bad of [0, 10081, 1.5, 'x']) {
      const refused = await t.api('PATCH', `/api/triggers/${created.body.id}`, {
        silenceAlertMinutes: bad,
      });
      expect(refused.status).toBe(400);
    }
    const off = await t.api('PATCH', `/api/triggers/${created.body.id}`, {
      silenceAlertMinutes: null,
    });
    expect(off.body.silenceAlertMinutes).toBeNull();
  });
});
