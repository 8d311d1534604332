import { createHmac, timingSafeEqual } from 'node:crypto';

const SIGNATURE_FORMAT = /^sha256=([0-9a-f]{64})$/i;

/** Checks `X-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` in constant time. */
export function isValidSignature(input: {
  secret: string;
  rawBody: Buffer;
  header: string | string[] | undefined;
}): boolean {
  const header = Array.isArray(input.header) ? input.header[0] : input.header;
  const match = SIGNATURE_FORMAT.exec(header?.trim() ?? '');
  if (match === null) {
    return false;
  }
  const expected = createHmac('sha256', input.secret).update(input.rawBody).digest();
  return timingSafeEqual(Buffer.from(match[1], 'hex'), expected);
}

export function signBody(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}
