import { signBody } from './support/signatures';
import { httpTrigger } from './support/fixtures';
import { startTestApp, type TestApp } from './support/test-app';

describe('POST /hooks/:slug', () => {
  let t: TestApp;
  const post = (slug: string, body: string, headers: Record<string, string>) =>
    fetch(`${t.baseUrl}/hooks/${slug}`, { method: 'POST', headers, body });

  beforeAll(async () => {
    // Workers off: these tests look at what ingestion stores, not at execution.
    t = await startTestApp({ ROLE: 'api', MAX_BODY_BYTES: '2048' });
    await t.api('POST', '/api/triggers', httpTrigger('plain'));
    await t.api('POST', '/api/triggers', httpTrigger('signed', { secret: 'hook-secret-1' }));
    await t.api('POST', '/api/triggers', httpTrigger('off', { enabled: false }));
    await t.api(
      'POST',
      '/api/triggers',
      httpTrigger('custom-key', { idempotencyKeyPaths: ['event.id'] }),
    );
  });
  afterAll(() => t.close());

  it('answers 202 accepted with the execution id once it is stored', async () => {
    const response = await t.hook('plain', { hello: 'world' }, { 'x-request-id': 'r-1' });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({
      status: 'accepted',
      executionId: expect.any(String),
      executionIds: [response.body.executionId],
    });
    const execution = await t.api('GET', `/api/executions/${response.body.executionId}`);
    expect(execution.body).toMatchObject({
      status: 'pending',
      payload: { hello: 'world' },
      idempotencyKey: null,
      attemptCount: 0,
      replayOf: null,
      attempts: [],
    });
    expect(execution.body.headers['x-request-id']).toBe('r-1');
  });

  it('answers 200 duplicate with the original id for a repeated key, from header or body', async () => {
    const first = await t.hook('plain', { n: 1 }, { 'idempotency-key': 'evt-1' });
    const again = await t.hook('plain', { n: 2 }, { 'idempotency-key': 'evt-1' });
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({
      status: 'duplicate',
      executionId: first.body.executionId,
      executionIds: [first.body.executionId],
      conflict: true,
    });

    const byBody = await t.hook('plain', { data: { messageId: 'wamid-7' } });
    const byBodyAgain = await t.hook('plain', { data: { messageId: 'wamid-7' }, other: true });
    expect(byBodyAgain.status).toBe(200);
    expect(byBodyAgain.body.executionId).toBe(byBody.body.executionId);
    const stored = await t.api('GET', `/api/executions/${byBody.body.executionId}`);
    expect(stored.body.idempotencyKey).toBe('wamid-7');
  });

  it('uses the trigger own key paths and never deduplicates deliveries without a key', async () => {
    const a = await t.hook('custom-key', { event: { id: 42 } });
    const b = await t.hook('custom-key', { event: { id: 42 } });
    expect([a.status, b.status]).toEqual([202, 200]);
    const c = await t.hook('custom-key', { messageId: 'ignored-here' });
    const d = await t.hook('custom-key', { messageId: 'ignored-here' });
    expect([c.status, d.status]).toEqual([202, 202]);
  });

  it('accepts form-urlencoded and text bodies', async () => {
    const form = await post('plain', 'messageId=form-1&tag=a&tag=b', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(202);
    const formExecution = await t.api(
      'GET',
      `/api/executions/${((await form.json()) as any).executionId}`,
    );
    expect(formExecution.body.payload).toEqual({ messageId: 'form-1', tag: ['a', 'b'] });
    expect(formExecution.body.idempotencyKey).toBe('form-1');

    const text = await post('plain', 'just some text', {
      'content-type': 'text/plain; charset=utf-8',
    });
    expect(text.status).toBe(202);
    const textExecution = await t.api(
      'GET',
      `/api/executions/${((await text.json()) as any).executionId}`,
    );
    expect(textExecution.body.payload).toBe('just some text');
  });

  it('checks the HMAC signature of the raw body', async () => {
    const raw = '{"amount": 10,  "spacing":"kept"}';
    const good = await post('signed', raw, {
      'content-type': 'application/json',
      'x-signature-256': signBody('hook-secret-1', raw),
    });
    expect(good.status).toBe(202);
    const missing = await post('signed', raw, { 'content-type': 'application/json' });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as any).error).toBe('invalid_signature');
    const wrong = await post('signed', raw, {
      'content-type': 'application/json',
      'x-signature-256': signBody('other-secret', raw),
    });
    expect(wrong.status).toBe(401);
  });

  it.each([
    ['an unknown trigger', 'nobody', '{}', 'application/json', 404, 'trigger_not_found'],
    ['a disabled trigger', 'off', '{}', 'application/json', 409, 'trigger_disabled'],
    ['malformed JSON', 'plain', '{"a":', 'application/json', 400, 'invalid_body'],
    ['an empty JSON body', 'plain', '', 'application/json', 400, 'invalid_body'],
    ['a NUL character', 'plain', '{"a":"\\u0000"}', 'application/json', 400, 'invalid_body'],
    [
      'an unsupported media type',
      'plain',
      '<a/>',
      'application/xml',
      415,
      'unsupported_media_type',
    ],
    [
      'a body over MAX_BODY_BYTES',
      'plain',
      JSON.stringify({ big: 'x'.repeat(4096) }),
      'application/json',
      413,
      'payload_too_large',
    ],
    [
      'a key over 255 characters',
      'plain',
      JSON.stringify({ messageId: 'k'.repeat(300) }),
      'application/json',
      400,
      'invalid_body',
    ],
  ])('refuses %s', async (_case, slug, body, contentType, status, error) => {
    const response = await post(slug, body, { 'content-type': contentType });
    expect(response.status).toBe(status);
    expect((await response.json()) as any).toEqual({ error, message: expect.any(String) });
  });

  it('counts deliveries by outcome in /metrics', async () => {
    const text = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(text).toMatch(/triggerline_deliveries_total\{outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/triggerline_deliveries_total\{outcome="duplicate"\} [1-9]/);
    expect(text).toMatch(/triggerline_deliveries_total\{outcome="rejected"\} [1-9]/);
  });

  it('lists executions newest first with filters and cursor pagination', async () => {
    const trigger = await t.api('POST', '/api/triggers', httpTrigger('paged'));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await t.hook('paged', { i })).body.executionId);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/api/executions?triggerId=${trigger.body.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.api('GET', query);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual([...ids].reverse());

    const pending = await t.api(
      'GET',
      `/api/executions?triggerId=${trigger.body.id}&status=pending`,
    );
    expect(pending.body.items).toHaveLength(5);
    const none = await t.api(
      'GET',
      `/api/executions?triggerId=${trigger.body.id}&status=succeeded`,
    );
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['limit=0'],
    ['limit=201'],
    ['limit=abc'],
    ['status=done'],
    ['triggerId=nope'],
    ['cursor=garbage'],
    ['unknown=1'],
  ])('answers 400 for the bad list parameter %s', async (query) => {
    const response = await t.api('GET', `/api/executions?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('validation_failed');
  });

  it('answers 404 execution_not_found and 400 invalid_id', async () => {
    const missing = await t.api('GET', '/api/executions/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('execution_not_found');
    expect((await t.api('GET', '/api/executions/123')).body.error).toBe('invalid_id');
  });
});
