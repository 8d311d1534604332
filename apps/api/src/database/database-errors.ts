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

export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) {
    return false;
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_CODES.has(code)) {
      return true;
    }
    if (UNAVAILABLE_SQLSTATE_PREFIXES.some((prefix) => code.startsWith(prefix))) {
      return true;
    }
  }
  if (UNAVAILABLE_MESSAGES.some((text) => error.message.includes(text))) {
    return true;
  }
  const driverError = (error as { driverError?: unknown }).driverError;
  if (driverError !== undefined && driverError !== error) {
    return isDatabaseUnavailable(driverError);
  }
  return error.cause !== undefined && isDatabaseUnavailable(error.cause);
}
