import { buildWhatsappRequest } from './whatsapp.action';
import { whatsappMessageId } from './whatsapp-message-id';

describe(buildWhatsappRequest.name, () => {
  const action = {
    type: 'whatsapp' as const,
    baseUrl: 'http://gateway.test:8080/',
    apiKey: 'key-1',
    toPath: 'contact.phone',
    textTemplate: 'Hi {{ contact.name }}, you owe {{amount}}',
    timeoutMs: 5000,
  };
  const event = { triggerId: 't-1', eventId: 'evt-1' };
  const meta = {
    idempotencyKey: 'evt-1',
    executionId: 'exec-1',
    attempt: 2,
    depth: 3,
    webhookId: 'msg_1',
    sentAt: new Date(0),
    event,
  };
  const payload = {
    contact: { phone: 5511, name: 'Ana' },
    amount: 10,
    file: 'https://f.test/a.pdf',
  };
  const messageId = whatsappMessageId(event);
  const bodyOf = (built: ReturnType<typeof buildWhatsappRequest>) =>
    built.ok ? (JSON.parse(built.request.body.toString()) as unknown) : built.error;

  it('posts a v1 action (no provider) as Evolution Go { number, text, id } to /send/text', () => {
    const sut = buildWhatsappRequest(action, payload, meta);
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
        body: JSON.stringify({ number: '5511', text: 'Hi Ana, you owe 10', id: messageId }),
        timeoutMs: 5000,
      },
    });
  });

  it('posts Evolution Go media to /send/media with the typing delay', () => {
    const sut = buildWhatsappRequest(
      {
        ...action,
        textTemplate: undefined,
        typingDelayMs: 1200,
        message: {
          kind: 'media',
          mediaType: 'document',
          urlTemplate: '{{file}}',
          captionTemplate: 'For {{contact.name}}',
          fileNameTemplate: 'bill.pdf',
        },
      },
      payload,
      meta,
    );
    expect(sut.ok && sut.request.url).toBe('http://gateway.test:8080/send/media');
    expect(bodyOf(sut)).toEqual({
      number: '5511',
      type: 'document',
      url: 'https://f.test/a.pdf',
      caption: 'For Ana',
      filename: 'bill.pdf',
      id: messageId,
      delay: 1200,
    });
  });

  it('posts Evolution API v2 text and media to the instance with apikey and delay', () => {
    const v2 = {
      ...action,
      provider: 'evolution-v2' as const,
      instance: 'sales 1',
      typingDelayMs: 500,
    };
    const text = buildWhatsappRequest(v2, payload, meta);
    expect(text.ok && text.request.url).toBe('http://gateway.test:8080/message/sendText/sales%201');
    expect(text.ok && text.request.headers.apikey).toBe('key-1');
    expect(bodyOf(text)).toEqual({ number: '5511', text: 'Hi Ana, you owe 10', delay: 500 });
    const media = buildWhatsappRequest(
      { ...v2, message: { kind: 'media', mediaType: 'image', urlTemplate: '{{file}}' } },
      payload,
      meta,
    );
    expect(media.ok && media.request.url).toBe(
      'http://gateway.test:8080/message/sendMedia/sales%201',
    );
    expect(bodyOf(media)).toEqual({
      number: '5511',
      mediatype: 'image',
      media: 'https://f.test/a.pdf',
      delay: 500,
    });
  });

  it('posts Meta Cloud API messages with a bearer token and no delay', () => {
    const meta2 = {
      ...action,
      provider: 'meta-cloud' as const,
      baseUrl: 'https://graph.facebook.com/v21.0',
      phoneNumberId: '1065',
      typingDelayMs: 500,
    };
    const text = buildWhatsappRequest(meta2, payload, meta);
    expect(text.ok && text.request.url).toBe('https://graph.facebook.com/v21.0/1065/messages');
    expect(text.ok && text.request.headers.authorization).toBe('Bearer key-1');
    expect(text.ok && text.request.headers.apikey).toBeUndefined();
    expect(bodyOf(text)).toEqual({
      messaging_product: 'whatsapp',
      to: '5511',
      type: 'text',
      text: { body: 'Hi Ana, you owe 10' },
    });
    const audio = buildWhatsappRequest(
      {
        ...meta2,
        message: {
          kind: 'media',
          mediaType: 'audio',
          urlTemplate: '{{file}}',
          captionTemplate: 'x',
        },
      },
      payload,
      meta,
    );
    // Meta takes no caption on audio.
    expect(bodyOf(audio)).toEqual({
      messaging_product: 'whatsapp',
      to: '5511',
      type: 'audio',
      audio: { link: 'https://f.test/a.pdf' },
    });
  });

  it('fails permanently without the path segment its provider needs', () => {
    const sut = buildWhatsappRequest({ ...action, provider: 'evolution-v2' }, payload, meta);
    expect(sut).toEqual({ ok: false, error: 'The evolution-v2 provider needs action.instance' });
  });

  it('fails permanently without a recipient', () => {
    const sut = buildWhatsappRequest(action, { contact: { name: 'Ana' }, amount: 1 }, meta);
    expect(sut).toEqual({ ok: false, error: 'No recipient at "contact.phone" in the payload' });
  });

  it('fails permanently when a template value is missing', () => {
    const sut = buildWhatsappRequest(action, { contact: { phone: '1', name: 'Ana' } }, meta);
    expect(sut).toEqual({ ok: false, error: 'No value at "amount" for the message template' });
  });

  it('fails permanently when a media url value is missing', () => {
    const sut = buildWhatsappRequest(
      { ...action, message: { kind: 'media', mediaType: 'image', urlTemplate: '{{nope}}' } },
      payload,
      meta,
    );
    expect(sut).toEqual({ ok: false, error: 'No value at "nope" for the message template' });
  });

  it('fails permanently without an api key', () => {
    const sut = buildWhatsappRequest({ ...action, apiKey: null }, payload, meta);
    expect(sut.ok).toBe(false);
  });
});

describe(whatsappMessageId.name, () => {
  it('is the same for the same event and differs between events and triggers', () => {
    const sut = whatsappMessageId({ triggerId: 't-1', eventId: 'evt-1' });
    expect(sut).toMatch(/^3EB0[0-9A-F]{18}$/);
    expect(whatsappMessageId({ triggerId: 't-1', eventId: 'evt-1' })).toBe(sut);
    expect(whatsappMessageId({ triggerId: 't-1', eventId: 'evt-2' })).not.toBe(sut);
    expect(whatsappMessageId({ triggerId: 't-2', eventId: 'evt-1' })).not.toBe(sut);
  });
});
