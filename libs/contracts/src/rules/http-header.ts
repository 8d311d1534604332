// An HTTP header name (RFC 9110 token) and a value Node will send (no CR, LF or NUL).
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,256}$/;
const HEADER_VALUE = /^[^\r\n\0]{0,8192}$/;

/** At most this many headers in an action's `headers`, and as many in its `secretHeaders`. */
export const MAX_ACTION_HEADERS = 50;

export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

export function isHeaderValue(value: string): boolean {
  return HEADER_VALUE.test(value);
}
