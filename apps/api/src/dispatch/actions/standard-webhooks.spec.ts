import { Webhook } from 'standardwebhooks';
import { standardWebhooksHeaders } from './standard-webhooks';

describe(standardWebhooksHeaders.name, () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

  it.each([
    ['a JSON text', '{"type":"order.paid","id":7}'],
    ['raw bytes with odd spacing', Buffer.from('{ "b":1,\n  "a": "é" }')],
  ])("signs %s as the standardwebhooks library's verifier expects", (_name, body) => {
    const sentAt = new Date();
    const sut = standardWebhooksHeaders({ secret, webhookId: 'msg_1', sentAt, body });

    expect(sut['webhook-id']).toBe('msg_1');
    expect(sut['webhook-timestamp']).toBe(String(Math.floor(sentAt.getTime() / 1000)));
    expect(() => new Webhook(secret).verify(body.toString(), sut)).not.toThrow();
  });

  it('is refused by a verifier holding another secret', () => {
    const sut = standardWebhooksHeaders({
      secret,
      webhookId: 'msg_1',
      sentAt: new Date(),
      body: '{}',
    });
    expect(() => new Webhook('whsec_b3RoZXIgc2VjcmV0IG9mIDI0IGJ5dGVz').verify('{}', sut)).toThrow();
  });
});
