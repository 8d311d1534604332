import fc from 'fast-check';
import {
  buildWhatsappSend,
  WHATSAPP_MEDIA_TYPES,
  WHATSAPP_PROVIDERS,
  whatsappMessageProblem,
} from './whatsapp-request';

const texts = fc.string({ minLength: 1, maxLength: 40 }).filter((text) => !text.includes('{{'));

describe(buildWhatsappSend.name, () => {
  it('sends the recipient and the rendered text, the key only in a header, the id only to Evolution Go', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WHATSAPP_PROVIDERS),
        fc.oneof(texts, fc.integer({ min: 1 })),
        texts,
        (provider, to, text) => {
          const sut = buildWhatsappSend({
            settings: {
              provider,
              baseUrl: 'https://gw.test/',
              instance: 'sales',
              phoneNumberId: '1065',
              toPath: 'to',
              message: { kind: 'text', textTemplate: text },
            },
            apiKey: 'KEY-SECRET',
            payload: { to },
            messageId: 'MSG-ID',
          });
          if (!sut.ok) {
            throw new Error(sut.error);
          }
          const body = JSON.stringify(sut.send.body);
          expect(sut.send.url.startsWith('https://gw.test/')).toBe(true);
          expect(body).toContain(JSON.stringify(String(to)));
          expect(body).toContain(JSON.stringify(text));
          expect(body).not.toContain('KEY-SECRET');
          expect(Object.values(sut.send.headers).join(' ')).toContain('KEY-SECRET');
          expect(body.includes('MSG-ID')).toBe(provider === 'evolution-go');
        },
      ),
    );
  });
});

describe(whatsappMessageProblem.name, () => {
  it('accepts text and every media type, and names what is wrong', () => {
    expect(whatsappMessageProblem({ kind: 'text', textTemplate: 'Hi' })).toBeNull();
    for (const mediaType of WHATSAPP_MEDIA_TYPES) {
      expect(whatsappMessageProblem({ kind: 'media', mediaType, urlTemplate: '{{u}}' })).toBeNull();
    }
    expect(whatsappMessageProblem({ kind: 'sticker' })).toBe(
      'message.kind must be "text" or "media"',
    );
    expect(whatsappMessageProblem({ kind: 'media', mediaType: 'gif', urlTemplate: 'x' })).toMatch(
      /mediaType/,
    );
    expect(whatsappMessageProblem({ kind: 'media', mediaType: 'image' })).toMatch(/urlTemplate/);
    expect(whatsappMessageProblem({ kind: 'text', textTemplate: 'x', caption: 'y' })).toMatch(
      /unknown field "caption"/,
    );
  });
});
