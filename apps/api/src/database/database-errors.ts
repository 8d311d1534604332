// SQLSTATE classes and client errors that mean "the database is not reachable right now",
// as opposed to a bug or a constraint violation.
const UNAVAILABLE_SQLSTATE_PREFIXES = ['08', '57P'];
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
  'Connection terminated unexpectedly',
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  driverError?: unknown;
  cause?: unknown;
}

// Duck-typed rather than `instanceof Error`: driver errors may come from another realm.
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const { code, message, driverError, cause } = error as ErrorLike;
  if (typeof code === 'string') {
    if (UNAVAILABLE_CODES.has(code)) {
      return true;
    }
    if (UNAVAILABLE_SQLSTATE_PREFIXES.some((prefix) => code.startsWith(prefix))) {
      return true;
    }
  }
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((text) => message.includes(text))) {
    return true;
  }
  if (driverError !== undefined && driverError !== error && isDatabaseUnavailable(driverError)) {
    return true;
  }
  return cause !== undefined && cause !== error && isDatabaseUnavailable(cause);
}
