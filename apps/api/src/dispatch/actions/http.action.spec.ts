import { buildHttpRequest } from './http.action';

describe(buildHttpRequest.name, () => {
  const meta = {
    idempotencyKey: 'evt-9',
    executionId: 'exec-9',
    attempt: 1,
    depth: 0,
    webhookId: 'msg_1',
    sentAt: new Date(0),
    event: { triggerId: 't-1', eventId: 'evt-9' },
  };

  it('sends the payload as JSON with the action headers, which cannot override delivery headers', () => {
    const sut = buildHttpRequest(
      {
        type: 'http',
        url: 'https://api.test/orders',
        method: 'PUT',
        headers: { Authorization: 'Bearer x', 'Idempotency-Key': 'forged' },
        timeoutMs: 3000,
      },
      { order: 1 },
      meta,
    );
    expect(sut).toEqual({
      ok: true,
      request: {
        url: 'https://api.test/orders',
        method: 'PUT',
        headers: {
          authorization: 'Bearer x',
          'content-type': 'application/json',
          'idempotency-key': 'evt-9',
          'x-triggerline-execution': 'exec-9',
          'x-triggerline-attempt': '1',
          'x-triggerline-depth': '1',
        },
        body: '{"order":1}',
        timeoutMs: 3000,
      },
    });
  });

  const action = {
    type: 'http' as const,
    url: 'https://api.test/hook',
    method: 'POST' as const,
    headers: null,
    timeoutMs: 1000,
  };

  it('sends the bytes received with their content type and the forwarded headers', () => {
    const raw = Buffer.from('{ "b":1,  "a":2 }');
    const sut = buildHttpRequest(
      { ...action, body: 'raw', forwardHeaders: ['X-Hub-Signature-256', 'X-Absent'] },
      { a: 2, b: 1 },
      meta,
      {
        rawBody: raw,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': 'sha256=ab' },
      },
    );
    expect(sut.ok && sut.request.body).toBe(raw);
    expect(sut.ok && sut.request.headers).toMatchObject({
      'content-type': 'application/json',
      'x-hub-signature-256': 'sha256=ab',
    });
    expect(sut.ok && Object.keys(sut.request.headers)).not.toContain('x-absent');
  });

  it('fails when a raw body was not kept with the delivery', () => {
    const sut = buildHttpRequest({ ...action, body: 'raw' }, { a: 1 }, meta);
    expect(sut.ok).toBe(false);
  });

  it('never lets a forwarded header override a delivery header', () => {
    const sut = buildHttpRequest({ ...action, forwardHeaders: ['Idempotency-Key'] }, {}, meta, {
      rawBody: null,
      headers: { 'idempotency-key': 'forged' },
    });
    expect(sut.ok && sut.request.headers['idempotency-key']).toBe('evt-9');
  });

  it('fills a template and fails on a missing path', () => {
    const template = { id: '{{order.id}}', text: 'Order {{order.id}}' };
    const sut = buildHttpRequest({ ...action, body: template }, { order: { id: 7 } }, meta);
    expect(sut.ok && sut.request.body).toBe('{"id":7,"text":"Order 7"}');
    expect(buildHttpRequest({ ...action, body: template }, { order: {} }, meta)).toEqual({
      ok: false,
      error: 'The body template\'s path "order.id" has no value in the payload',
    });
  });
});
