import { EVOLUTION_TOKEN, readPath, type VerificationScheme } from '@triggerline/contracts';
import type { SchemeOptions, VerifiedRequest } from './verify-signature';

/**
 * For the schemes that compare a token rather than check a signature (`token`, its preset
 * `evolution`, and `basic`): the token the request presents, null when it presents none, and
 * undefined for the signature schemes.
 */
export function presentedToken(
  scheme: VerificationScheme,
  options: SchemeOptions,
  request: VerifiedRequest,
): string | null | undefined {
  switch (scheme) {
    case 'token':
      return tokenAt(options.in ?? 'header', options.name ?? '', request);
    case 'evolution':
      return tokenAt(EVOLUTION_TOKEN.in, EVOLUTION_TOKEN.name, request);
    case 'basic':
      return basicCredentials(request.headers.authorization);
    case 'hmac-sha256':
    case 'github':
    case 'stripe':
    case 'shopify':
    case 'slack':
    case 'standard-webhooks':
    case 'hmac':
    case 'twilio':
    case 'meta':
      return undefined;
  }
}

function tokenAt(where: 'header' | 'query' | 'body', name: string, request: VerifiedRequest) {
  const value =
    where === 'header'
      ? request.headers[name.toLowerCase()]
      : where === 'query'
        ? request.query[name]
        : readPath(request.body, name);
  return typeof value === 'string' && value !== '' ? value : null;
}

// `Basic <base64 of user:password>`, compared as `user:password`.
function basicCredentials(authorization: string | string[] | undefined): string | null {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(value ?? '');
  if (match === null) {
    return null;
  }
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  return decoded.includes(':') ? decoded : null;
}
