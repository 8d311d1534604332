import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type {
  HmacAlgorithm,
  SignatureEncoding,
  TokenLocation,
  VerificationScheme,
} from '@triggerline/contracts';
import { presentedToken } from './presented-token';
import { readTwilio } from './twilio-signature';

/** A secret in clear, as verification needs it; `expiresAt` null means it never expires. */
export interface OpenSecret {
  value: string;
  expiresAt: string | null;
}

export type VerificationFailure = 'invalid_signature' | 'signature_expired';

export type VerificationResult = { ok: true } | { ok: false; failure: VerificationFailure };

export type RequestHeaders = Record<string, string | string[] | undefined>;

/** The settings of the configurable schemes (`token`, `hmac`); null where unused. */
export interface SchemeOptions {
  in?: TokenLocation | null;
  name?: string | null;
  header?: string | null;
  algorithm?: HmacAlgorithm | null;
  encoding?: SignatureEncoding | null;
  prefix?: string | null;
}

/** The request as a sender made it, for schemes that read more than headers and body. */
export interface VerifiedRequest {
  headers: RequestHeaders;
  rawBody: Buffer;
  /** The parsed body (JSON, form fields or text). */
  body: unknown;
  query: Record<string, unknown>;
  /** The URL the sender called (PUBLIC_URL + path + query), for Twilio. */
  url: string;
}

/** What a delivery claims: the signed bytes, the signatures it carries, its timestamp. */
export interface SignedDelivery {
  content: (Buffer | string)[];
  signatures: Buffer[];
  /** Unix seconds, for the schemes that sign one. */
  timestamp: number | null;
  algorithm?: HmacAlgorithm;
  /** Other forms of the signed content that are accepted too (Twilio: the URL with its port). */
  alternativeContents?: (Buffer | string)[][];
  /** A check besides the signature (Twilio's bodySHA256): false refuses the delivery. */
  isConsistent?: boolean;
}

/** Request headers that carry signatures: never stored with an execution, redacted in logs. */
export const SIGNATURE_HEADERS = [
  'x-signature-256',
  'x-hub-signature-256',
  'stripe-signature',
  'x-shopify-hmac-sha256',
  'x-slack-signature',
  'webhook-signature',
  'x-twilio-signature',
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
  options?: SchemeOptions;
  secrets: readonly OpenSecret[];
  toleranceSeconds: number;
  request: VerifiedRequest;
  now: Date;
}): VerificationResult {
  const nowMs = input.now.getTime();
  const usable = input.secrets.filter(
    (secret) => secret.expiresAt === null || Date.parse(secret.expiresAt) > nowMs,
  );
  const options = input.options ?? {};
  const token = presentedToken(input.scheme, options, input.request);
  if (token !== undefined) {
    // A token scheme: the token itself is compared, in constant time, with each secret.
    const isKnown = token !== null && usable.some((secret) => isSameText(token, secret.value));
    return isKnown ? { ok: true } : { ok: false, failure: 'invalid_signature' };
  }
  const delivery = readDelivery(input.scheme, options, input.request);
  if (delivery === null || delivery.isConsistent === false) {
    return { ok: false, failure: 'invalid_signature' };
  }
  const contents = [delivery.content, ...(delivery.alternativeContents ?? [])];
  const isSigned = usable.some((secret) =>
    contents.some((content) => {
      const key = signingKey(input.scheme, secret.value);
      const expected = hmac(key, content, delivery.algorithm ?? 'sha256');
      return delivery.signatures.some((signature) => isSameDigest(signature, expected));
    }),
  );
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
  if (scheme === 'basic' && !secret.includes(':')) {
    return 'a basic secret is user:password';
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
  options: SchemeOptions,
  request: VerifiedRequest,
): SignedDelivery | null {
  const { headers, rawBody: body } = request;
  switch (scheme) {
    case 'hmac-sha256':
      return readPrefixedHex(header(headers, 'x-signature-256'), 'sha256=', body);
    case 'github':
    case 'meta':
      return readPrefixedHex(header(headers, 'x-hub-signature-256'), 'sha256=', body);
    case 'hmac':
      return readGenericHmac(options, headers, body);
    case 'twilio':
      return readTwilio(header(headers, 'x-twilio-signature'), request);
    case 'token':
    case 'basic':
    case 'evolution':
      return null; // answered by presentedToken
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

const DIGEST_BYTES: Record<HmacAlgorithm, number> = { sha1: 20, sha256: 32, sha512: 64 };

// `hmac`: <prefix><digest> in the configured header, the digest in hex or base64.
function readGenericHmac(
  options: SchemeOptions,
  headers: RequestHeaders,
  body: Buffer,
): SignedDelivery | null {
  const algorithm = options.algorithm ?? 'sha256';
  const prefix = options.prefix ?? '';
  const value = header(headers, (options.header ?? '').toLowerCase());
  if (value === '' || !value.toLowerCase().startsWith(prefix.toLowerCase())) {
    return null;
  }
  const encoded = value.slice(prefix.length);
  const signature =
    options.encoding === 'base64'
      ? decodeBase64(encoded, DIGEST_BYTES[algorithm])
      : /^[0-9a-f]+$/i.test(encoded)
        ? Buffer.from(encoded, 'hex')
        : null;
  return signature === null || signature.length !== DIGEST_BYTES[algorithm]
    ? null
    : { content: [body], signatures: [signature], timestamp: null, algorithm };
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

export function header(headers: RequestHeaders, name: string): string {
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

function splitOnce(value: string, separator: string): [string, string] {
  const at = value.indexOf(separator);
  return at < 0 ? [value, ''] : [value.slice(0, at), value.slice(at + separator.length)];
}

export function decodeBase64(value: string, bytes = SHA256_BYTES): Buffer | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    return null;
  }
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === bytes ? decoded : null;
}

function hmac(key: Buffer, content: (Buffer | string)[], algorithm: HmacAlgorithm): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of content) {
    mac.update(part);
  }
  return mac.digest();
}

// timingSafeEqual needs equal lengths; every candidate here is a digest of the right size.
function isSameDigest(candidate: Buffer, expected: Buffer): boolean {
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

/** Compares two texts in constant time, whatever their lengths (their SHA-256 are compared). */
export function isSameText(presented: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
