import type { AttemptOutcome, ErrorCategory } from '@triggerline/contracts';

/** What the HTTP client knew when the exchange failed without a response status. */
export interface FailedExchange {
  error: unknown;
  /** The whole request (headers and body) was handed to a connected socket. */
  isRequestWritten: boolean;
}

export function classifyHttpStatus(status: number): AttemptOutcome {
  if (status >= 200 && status <= 299) {
    return 'success';
  }
  if (status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599)) {
    return 'transient';
  }
  // 1xx, 3xx (redirects are never followed) and the other 4xx.
  return 'permanent';
}

const TRANSIENT_NAMES = new Set(['TimeoutError', 'AbortError']);

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

// Failures of the request itself that no retry can cure. fetch reports a blocked port
// ('bad port': 1, 9, 25, ... per the Fetch standard) and a non-HTTP scheme ('unknown
// scheme') as a plain Error without a code; a target the egress policy refuses fails with
// 'egress_denied: ...' before anything is connected.
const PERMANENT_MESSAGES = [
  /invalid url/i,
  /failed to parse url/i,
  /unsupported protocol/i,
  /^unknown scheme$/i,
  /^bad port$/i,
  /is an invalid header (name|value)/i,
  /^egress_denied: /,
];

interface ErrorLink {
  name?: string;
  code?: string;
  message?: string;
}

export function classifyRequestError(error: unknown): ErrorCategory {
  const chain = errorChain(error);
  // An unknown network failure deserves a retry; retries are bounded.
  return chain.some(isPermanent) && !chain.some(isTransient) ? 'permanent' : 'transient';
}

/**
 * A failure before the request was written (refused, DNS, connect timeout) cannot have
 * reached the target: transient. After it was written (a response timeout, a reset) the
 * target may have acted on it: unknown. A request that can never be sent stays permanent.
 */
export function classifyFailedExchange(exchange: FailedExchange): AttemptOutcome {
  const category = classifyRequestError(exchange.error);
  if (category === 'permanent') {
    return 'permanent';
  }
  return exchange.isRequestWritten ? 'unknown' : 'transient';
}

/** The category an execution records for an attempt's outcome (`unknown` counts as transient). */
export function categoryOf(outcome: Exclude<AttemptOutcome, 'success'>): ErrorCategory {
  return outcome === 'permanent' ? 'permanent' : 'transient';
}

export function describeRequestError(error: unknown): string {
  const chain = errorChain(error);
  const coded = chain.findLast((link) => link.code !== undefined);
  if (coded) {
    return withMessage(coded.code, coded.message);
  }
  const aborted = chain.findLast((link) => TRANSIENT_NAMES.has(link.name ?? ''));
  if (aborted) {
    return withMessage(aborted.name, aborted.message);
  }
  const messages = new Set(chain.map((link) => link.message).filter(Boolean));
  return messages.size > 0 ? [...messages].join(': ') : 'unknown request error';
}

function isTransient({ name, code }: ErrorLink): boolean {
  return (
    TRANSIENT_NAMES.has(name ?? '') ||
    (code !== undefined && (TRANSIENT_CODES.has(code) || code.startsWith('UND_ERR_')))
  );
}

// Node's own refusals of a request it cannot put on the wire.
const PERMANENT_CODES = new Set([
  'ERR_INVALID_URL',
  'ERR_INVALID_PROTOCOL',
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_UNESCAPED_CHARACTERS',
]);

function isPermanent({ code, message }: ErrorLink): boolean {
  return (
    (code !== undefined && PERMANENT_CODES.has(code)) ||
    (message !== undefined && PERMANENT_MESSAGES.some((pattern) => pattern.test(message)))
  );
}

function withMessage(label: string | undefined, message: string | undefined): string {
  return message ? `${label}: ${message}` : (label ?? 'unknown request error');
}

const MAX_CHAIN_LENGTH = 16;

// The error, its causes and, for an AggregateError (one per address tried), its errors.
function errorChain(error: unknown): ErrorLink[] {
  const links: ErrorLink[] = [];
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && links.length < MAX_CHAIN_LENGTH) {
    const current = queue.shift();
    if (current === null || current === undefined || seen.has(current)) {
      continue;
    }
    seen.add(current);
    if (typeof current !== 'object') {
      if (typeof current === 'string') {
        links.push({ message: current });
      }
      continue;
    }
    const { name, code, message, cause, errors } = current as Record<string, unknown>;
    links.push({ name: asString(name), code: asString(code), message: asString(message) });
    queue.push(cause, ...(Array.isArray(errors) ? (errors as unknown[]) : []));
  }
  return links;
}

// DOMException carries a numeric legacy code; only Node's string codes mean anything here.
function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
