import { buildHttpRequest } from './http.action';

describe(buildHttpRequest.name, () => {
  const meta = {
    idempotencyKey: 'evt-9',
    executionId: 'exec-9',
    attempt: 1,
    depth: 0,
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
});
