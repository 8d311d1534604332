import type { IncomingHttpHeaders } from 'node:http';
import { isCredentialHeaderName, MASKED_VALUE } from '@triggerline/contracts';
import type { SecretBox } from '../secrets/secret-box';

// SPEC §14: the delivery headers an http action forwards are kept with the execution, apart
// from the headers shown with it. A credential-looking value (Stripe-Signature,
// X-Hub-Signature-256) is kept sealed, so that it can be forwarded and is never shown.

const MAX_VALUE_LENGTH = 8192;

/** The headers of `names` found in the delivery, lower-case, credential-looking values sealed. */
export function sealForwardedHeaders(input: {
  headers: IncomingHttpHeaders;
  names: readonly string[];
  box: SecretBox;
}): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of input.names.map((item) => item.toLowerCase())) {
    const value = input.headers[name];
    if (value === undefined) {
      continue;
    }
    const text = (Array.isArray(value) ? value.join(', ') : value).slice(0, MAX_VALUE_LENGTH);
    kept[name] = isCredentialHeaderName(name) ? input.box.seal(text) : text;
  }
  return kept;
}

/** The stored forwarded headers with their values, for the request that carries them. */
export function openForwardedHeaders(
  stored: Record<string, string>,
  box: SecretBox,
): Record<string, string> {
  return mapCredentialValues(stored, (value) => box.open(value));
}

/**
 * The stored forwarded headers with every sealed value under SECRETS_KEY (SPEC §16's rotation);
 * null when nothing changes. Throws SecretsKeyError for a value no key of the ring opens.
 */
export function resealForwardedHeaders(
  stored: Record<string, string>,
  box: SecretBox,
): Record<string, string> | null {
  let isChanged = false;
  const resealed = mapCredentialValues(stored, (value) => {
    if (box.isSealedUnderCurrentKey(value)) {
      return value;
    }
    isChanged = true;
    return box.seal(box.open(value));
  });
  return isChanged ? resealed : null;
}

/** The stored forwarded headers as they may be shown: credential-looking values masked. */
export function maskForwardedHeaders(stored: Record<string, string>): Record<string, string> {
  return mapCredentialValues(stored, () => MASKED_VALUE);
}

// Whether a value is sealed follows from its name alone: a sender cannot make a plain value
// that looks sealed be opened, nor a sealed one be shown.
function mapCredentialValues(
  stored: Record<string, string>,
  map: (value: string) => string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(stored).map(([name, value]) => [
      name,
      isCredentialHeaderName(name) ? map(value) : value,
    ]),
  );
}
