import { createHmac } from 'node:crypto';

// Standard Webhooks (https://www.standardwebhooks.com): the secret is `whsec_` + the base64 of
// the key; the signature is `v1,` + base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`.
const SECRET_PREFIX = 'whsec_';

/** The three headers a Standard Webhooks verifier reads, for one request. */
export function standardWebhooksHeaders(input: {
  secret: string;
  webhookId: string;
  sentAt: Date;
  body: string | Buffer;
}): Record<string, string> {
  const key = Buffer.from(
    input.secret.startsWith(SECRET_PREFIX)
      ? input.secret.slice(SECRET_PREFIX.length)
      : input.secret,
    'base64',
  );
  const timestamp = String(Math.floor(input.sentAt.getTime() / 1000));
  const signature = createHmac('sha256', key)
    .update(`${input.webhookId}.${timestamp}.`)
    .update(input.body)
    .digest('base64');
  return {
    'webhook-id': input.webhookId,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}
