import { buildWhatsappRequest } from './whatsapp.action';

describe(buildWhatsappRequest.name, () => {
  const action = {
    type: 'whatsapp' as const,
    baseUrl: 'http://gateway.test:8080/',
    apiKey: 'key-1',
    toPath: 'contact.phone',
    textTemplate: 'Hi {{ contact.name }}, you owe {{amount}}',
    timeoutMs: 5000,
  };
  const meta = {
    idempotencyKey: 'evt-1',
    executionId: 'exec-1',
    attempt: 2,
    depth: 3,
    webhookId: 'msg_1',
    sentAt: new Date(0),
  };

  it('posts { number, text } to /send/text with the apikey and delivery headers', () => {
    const sut = buildWhatsappRequest(
      action,
      { contact: { phone: 5511, name: 'Ana' }, amount: 10 },
      meta,
    );
    expect(sut).toEqual({
      ok: true,
      request: {
        url: 'http://gateway.test:8080/send/text',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          apikey: 'key-1',
          'idempotency-key': 'evt-1',
          'x-triggerline-execution': 'exec-1',
          'x-triggerline-attempt': '2',
          'x-triggerline-depth': '4',
        },
        body: JSON.stringify({ number: '5511', text: 'Hi Ana, you owe 10' }),
        timeoutMs: 5000,
      },
    });
  });

  it('fails permanently without a recipient', () => {
    const sut = buildWhatsappRequest(action, { contact: { name: 'Ana' }, amount: 1 }, meta);
    expect(sut).toEqual({ ok: false, error: 'No recipient at "contact.phone" in the payload' });
  });

  it('fails permanently when a template value is missing', () => {
    const sut = buildWhatsappRequest(action, { contact: { phone: '1', name: 'Ana' } }, meta);
    expect(sut).toEqual({ ok: false, error: 'No value at "amount" for the message template' });
  });

  it('fails permanently without an api key', () => {
    const sut = buildWhatsappRequest(
      { ...action, apiKey: null },
      { contact: { phone: '1', name: 'A' }, amount: 1 },
      meta,
    );
    expect(sut.ok).toBe(false);
  });
});
