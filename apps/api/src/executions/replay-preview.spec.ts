import { ASSIGNED_AT_REPLAY, MASK, previewReplay } from './replay-preview';

describe(previewReplay.name, () => {
  it('masks credential headers configured in an http action and keeps the others', () => {
    const sut = previewReplay({
      action: {
        type: 'http',
        url: 'https://api.test/orders',
        method: 'PUT',
        headers: { Authorization: 'Bearer s', 'X-Api-Key': 'k', 'X-Team': 'red' },
        timeoutMs: 1000,
      },
      payload: { order: 1 },
      idempotencyKey: 'evt-1',
      depth: 2,
      event: { triggerId: 't-1', eventId: 'evt-1' },
    });
    expect(sut).toEqual({
      ok: true,
      preview: {
        method: 'PUT',
        url: 'https://api.test/orders',
        headers: {
          authorization: MASK,
          'x-api-key': MASK,
          'x-team': 'red',
          'content-type': 'application/json',
          'idempotency-key': 'evt-1',
          'x-triggerline-execution': ASSIGNED_AT_REPLAY,
          'x-triggerline-attempt': '1',
          'x-triggerline-depth': '3',
        },
        body: { order: 1 },
      },
    });
  });

  it('masks the WhatsApp apikey and shows the message the worker would send', () => {
    const sut = previewReplay({
      action: {
        type: 'whatsapp',
        baseUrl: 'http://gw.test/',
        apiKey: 'secret',
        toPath: 'phone',
        textTemplate: 'Hi {{name}}',
        timeoutMs: 1000,
      },
      payload: { phone: 55, name: 'Ana' },
      idempotencyKey: null,
      depth: 0,
      event: { triggerId: 't-1', eventId: 'evt-1' },
    });
    expect(sut.ok && sut.preview).toMatchObject({
      url: 'http://gw.test/send/text',
      headers: { apikey: MASK, 'idempotency-key': ASSIGNED_AT_REPLAY },
      body: { number: '55', text: 'Hi Ana' },
    });
  });

  it('answers why the worker could not send it', () => {
    const sut = previewReplay({
      action: {
        type: 'whatsapp',
        baseUrl: 'http://gw.test',
        apiKey: 'k',
        toPath: 'phone',
        textTemplate: 'Hi',
        timeoutMs: 1000,
      },
      payload: {},
      idempotencyKey: 'k',
      depth: 0,
      event: { triggerId: 't-1', eventId: 'evt-1' },
    });
    expect(sut).toEqual({ ok: false, error: 'No recipient at "phone" in the payload' });
  });
});
