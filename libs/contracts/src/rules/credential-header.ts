// SPEC §13: names of request headers that carry credentials, whatever a sender or downstream
// calls them: never stored in clear, never shown.
const CREDENTIAL_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie)$|token|secret|key|signature|password/i;

export function isCredentialHeaderName(name: string): boolean {
  return CREDENTIAL_HEADER.test(name);
}

/** How a stored or shown credential value reads. */
export const MASKED_VALUE = '***';
