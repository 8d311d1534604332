import { createHmac } from 'node:crypto';

// Signatures as senders compute them, from each provider's documentation (not from the app).

/** `X-Signature-256` (hmac-sha256) and `X-Hub-Signature-256` (github) value. */
export function signBody(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** The three Standard Webhooks headers for a delivery signed with `whsec_<base64 key>`. */
export function standardWebhooksHeaders(input: {
  secret: string;
  id: string;
  body: string;
  timestamp?: number;
}): Record<string, string> {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const key = Buffer.from(input.secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key)
    .update(`${input.id}.${timestamp}.${input.body}`)
    .digest('base64');
  return {
    'webhook-id': input.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  };
}
