import { createHash } from 'node:crypto';

/** SHA-256 of the raw body as received: what tells a key's reuse for another event. */
export function hashBody(rawBody: Buffer): Buffer {
  return createHash('sha256').update(rawBody).digest();
}
