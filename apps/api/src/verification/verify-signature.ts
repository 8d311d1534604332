import { createHmac, timingSafeEqual } from 'node:crypto';
import type { VerificationScheme } from '@triggerline/contracts';

/** A secret in clear, as verification needs it; `expiresAt` null means it never expires. */
export interface OpenSecret {
  value: string;
  expiresAt: string | null;
}

export type VerificationFailure = 'invalid_signature' | 'signature_expired';

export type VerificationResult = { ok: true } | { ok: false; failure: VerificationFailure };

export type RequestHeaders = Record<string, string | string[] | undefined>;

/** What a delivery claims: the signed bytes, the signatures it carries, its timestamp. */
interface SignedDelivery {
  content: (Buffer | string)[];
  signatures: Buffer[];
  /** Unix seconds, for the schemes that sign one. */
  timestamp: number | null;
}

/** Request headers that carry signatures: never stored with an execution, redacted in logs. */
export const SIGNATURE_HEADERS = [
  'x-signature-256',
  'x-hub-signature-256',
  'stripe-signature',
  'x-shopify-hmac-sha256',
  'x-slack-signature',
  'webhook-signature',
] as const;

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
// Any length: a correctly signed timestamp far in the future is `signature_expired`, not
// `invalid_signature` (its Number() is huge or Infinity, outside any tolerance).
const UNIX_SECONDS = /^\d+$/;
const SHA256_BYTES = 32;
export const STANDARD_WEBHOOKS_PREFIX = 'whsec_';

/**
 * Checks a delivery against a trigger's verification (SPEC §10). Pure: the clock is `now`.
 * The signature is checked first, then the timestamp, so a correctly signed but stale
 * delivery says `signature_expired` while anything else says `invalid_signature`.
 */
export function verifySignature(input: {
  scheme: VerificationScheme;
  secrets: readonly OpenSecret[];
  toleranceSeconds: number;
  headers: RequestHeaders;
  rawBody: Buffer;
  now: Date;
}): VerificationResult {
  const delivery = readDelivery(input.scheme, input.headers, input.rawBody);
  if (delivery === null) {
    return { ok: false, failure: 'invalid_signature' };
  }
  const nowMs = input.now.getTime();
  const usable = input.secrets.filter(
    (secret) => secret.expiresAt === null || Date.parse(secret.expiresAt) > nowMs,
  );
  const isSigned = usable.some((secret) => {
    const expected = hmac(signingKey(input.scheme, secret.value), delivery.content);
    return delivery.signatures.some((signature) => isSameDigest(signature, expected));
  });
  if (!isSigned) {
    return { ok: false, failure: 'invalid_signature' };
  }
  if (
    delivery.timestamp !== null &&
    Math.abs(nowMs / 1000 - delivery.timestamp) > input.toleranceSeconds
  ) {
    return { ok: false, failure: 'signature_expired' };
  }
  return { ok: true };
}

/** The HMAC key of a secret: as given, except standard-webhooks' `whsec_<base64 key>`. */
export function signingKey(scheme: VerificationScheme, secret: string): Buffer {
  if (scheme === 'standard-webhooks') {
    const encoded = secret.startsWith(STANDARD_WEBHOOKS_PREFIX)
      ? secret.slice(STANDARD_WEBHOOKS_PREFIX.length)
      : secret;
    return Buffer.from(encoded, 'base64');
  }
  return Buffer.from(secret, 'utf8');
}

/** Why a secret cannot be used with a scheme, or null when it can. */
export function secretProblem(scheme: VerificationScheme, secret: string): string | null {
  if (secret.length === 0) {
    return 'a secret must not be empty';
  }
  if (scheme === 'standard-webhooks') {
    const encoded = secret.slice(STANDARD_WEBHOOKS_PREFIX.length);
    const key = Buffer.from(encoded, 'base64');
    if (
      !secret.startsWith(STANDARD_WEBHOOKS_PREFIX) ||
      !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ||
      key.length < 24 ||
      key.length > 64
    ) {
      return 'a standard-webhooks secret is whsec_ followed by the base64 of 24 to 64 bytes';
    }
  }
  return null;
}

function readDelivery(
  scheme: VerificationScheme,
  headers: RequestHeaders,
  body: Buffer,
): SignedDelivery | null {
  switch (scheme) {
    case 'hmac-sha256':
      return readPrefixedHex(header(headers, 'x-signature-256'), 'sha256=', body);
    case 'github':
      return readPrefixedHex(header(headers, 'x-hub-signature-256'), 'sha256=', body);
    case 'shopify': {
      const signature = decodeBase64(header(headers, 'x-shopify-hmac-sha256'));
      return signature === null
        ? null
        : { content: [body], signatures: [signature], timestamp: null };
    }
    case 'slack': {
      const timestamp = header(headers, 'x-slack-request-timestamp');
      const signed = readPrefixedHex(header(headers, 'x-slack-signature'), 'v0=', body);
      if (signed === null || !UNIX_SECONDS.test(timestamp)) {
        return null;
      }
      return { ...signed, content: [`v0:${timestamp}:`, body], timestamp: Number(timestamp) };
    }
    case 'stripe':
      return readStripe(header(headers, 'stripe-signature'), body);
    case 'standard-webhooks':
      return readStandardWebhooks(headers, body);
  }
}

function readPrefixedHex(value: string, prefix: string, body: Buffer): SignedDelivery | null {
  if (!value.toLowerCase().startsWith(prefix)) {
    return null;
  }
  const hex = value.slice(prefix.length);
  return HEX_SHA256.test(hex)
    ? { content: [body], signatures: [Buffer.from(hex, 'hex')], timestamp: null }
    : null;
}

// `t=1492774577,v1=5257a8...,v1=...,v0=...`: every v1 is a candidate; other schemes ignored.
function readStripe(value: string, body: Buffer): SignedDelivery | null {
  let timestamp: string | null = null;
  const signatures: Buffer[] = [];
  for (const part of value.split(',')) {
    const [key, item] = splitOnce(part.trim(), '=');
    if (key === 't') {
      timestamp = item;
    } else if (key === 'v1' && HEX_SHA256.test(item)) {
      signatures.push(Buffer.from(item, 'hex'));
    }
  }
  if (timestamp === null || !UNIX_SECONDS.test(timestamp) || signatures.length === 0) {
    return null;
  }
  return { content: [`${timestamp}.`, body], signatures, timestamp: Number(timestamp) };
}

// webhook-signature: `v1,<base64> v1,<base64>`; versions other than v1 (v1a: asymmetric) are
// not ours to check and are skipped, as the Standard Webhooks reference libraries do.
function readStandardWebhooks(headers: RequestHeaders, body: Buffer): SignedDelivery | null {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  if (id === '' || !UNIX_SECONDS.test(timestamp)) {
    return null;
  }
  const signatures = header(headers, 'webhook-signature')
    .split(' ')
    .map((entry) => splitOnce(entry, ','))
    .filter(([version]) => version === 'v1')
    .map(([, encoded]) => decodeBase64(encoded))
    .filter((signature): signature is Buffer => signature !== null);
  if (signatures.length === 0) {
    return null;
  }
  return { content: [`${id}.${timestamp}.`, body], signatures, timestamp: Number(timestamp) };
}

function header(headers: RequestHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + separator.length)];
}

function decodeBase64(value: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    return null;
  }
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === SHA256_BYTES ? decoded : null;
}

function hmac(key: Buffer, content: (Buffer | string)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const part of content) {
    mac.update(part);
  }
  return mac.digest();
}

// timingSafeEqual needs equal lengths; every candidate here is a 32-byte digest already.
function isSameDigest(candidate: Buffer, expected: Buffer): boolean {
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}
