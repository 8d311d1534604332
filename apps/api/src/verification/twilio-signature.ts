import { createHash } from 'node:crypto';
import type { HmacAlgorithm } from '@triggerline/contracts';
import {
  decodeBase64,
  header,
  isSameText,
  type SignedDelivery,
  type VerifiedRequest,
} from './verify-signature';

// Twilio's rule (twilio.com/docs/usage/webhooks/webhooks-security, and twilio-node's
// webhooks.js): base64 HMAC of the URL Twilio called, then each form parameter sorted by name
// as name then value (a repeated parameter: its distinct values sorted, each after the name).
// A JSON body is not in the signature: the URL carries `bodySHA256`, the hex SHA-256 of the body.
// The URL is tried without and with the default port, as Twilio's helper does.
export function readTwilio(signature: string, request: VerifiedRequest): SignedDelivery | null {
  const algorithm: HmacAlgorithm = /algorithm=HMAC_SHA256/i.test(
    header(request.headers, 'x-twilio-webhooks-signature-settings'),
  )
    ? 'sha256'
    : 'sha1';
  const decoded = decodeBase64(signature, algorithm === 'sha1' ? 20 : 32);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return null;
  }
  if (decoded === null) {
    return null;
  }
  const bodyHash = url.searchParams.get('bodySHA256');
  const params = bodyHash === null ? formParams(request.body) : '';
  const urls = [withoutPort(request.url, url), withDefaultPort(request.url, url)];
  return {
    content: [urls[0], params],
    alternativeContents: [[urls[1], params]],
    signatures: [decoded],
    timestamp: null,
    algorithm,
    isConsistent:
      bodyHash === null ||
      isSameText(
        bodyHash.toLowerCase(),
        createHash('sha256').update(request.rawBody).digest('hex'),
      ),
  };
}

function formParams(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return '';
  }
  return Object.keys(body)
    .sort()
    .map((name) => {
      const value = (body as Record<string, unknown>)[name];
      const values = Array.isArray(value)
        ? [...new Set(value.map(String))].sort()
        : [String(value)];
      return values.map((item) => name + item).join('');
    })
    .join('');
}

function withoutPort(raw: string, url: URL): string {
  return url.port === '' ? raw : raw.replace(`${url.hostname}:${url.port}`, url.hostname);
}

function withDefaultPort(raw: string, url: URL): string {
  if (url.port !== '') {
    return raw;
  }
  const port = url.protocol === 'https:' ? '443' : '80';
  return raw.replace(`//${url.host}`, `//${url.hostname}:${port}`);
}
