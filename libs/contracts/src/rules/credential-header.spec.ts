import { isCredentialHeaderName } from './credential-header';

describe(isCredentialHeaderName.name, () => {
  it.each([
    'Authorization',
    'authorization',
    'Proxy-Authorization',
    'Cookie',
    'X-Api-Key',
    'apikey',
    'X-Gitlab-Token',
    'X-Telegram-Bot-Api-Secret-Token',
    'X-Hub-Signature-256',
    'Stripe-Signature',
    'X-Shopify-Hmac-Sha256-Signature',
    'X-Webhook-Secret',
    'X-Password',
    'Idempotency-Key',
  ])('treats %s as a credential', (name) => {
    expect(isCredentialHeaderName(name)).toBe(true);
  });

  it.each(['Content-Type', 'User-Agent', 'X-GitHub-Event', 'X-Request-Id', 'webhook-id', 'Accept'])(
    'keeps %s',
    (name) => {
      expect(isCredentialHeaderName(name)).toBe(false);
    },
  );
});
