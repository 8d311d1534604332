import { type IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TLSSocket } from 'node:tls';
import type { AttemptOutcome } from '@triggerline/contracts';
import type { EgressAgents } from '../../egress/egress-agents';
import {
  classifyFailedExchange,
  classifyHttpStatus,
  describeRequestError,
} from '../../retry/error-classifier';
import { parseRetryAfter } from '../../retry/retry-after';
import type { OutboundRequest } from './outbound-request';

export const MAX_ERROR_LENGTH = 1000;
export const MAX_EXCERPT_LENGTH = 1000;

/** What one attempt produced. */
export interface AttemptResult {
  outcome: AttemptOutcome;
  httpStatus: number | null;
  error: string | null;
  responseExcerpt: string | null;
  /** From a Retry-After header on 429 or 503. */
  retryAfterMs: number | null;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// The Fetch standard's blocked ports (SMTP, IRC, ...), kept from when fetch sent requests.
const BAD_PORTS = new Set([
  0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
  103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
  512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
  995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
  6669, 6679, 6697, 10080,
]);

type Exchange =
  | { ok: true; response: IncomingMessage; excerpt: string | null }
  | { ok: false; error: unknown; isRequestWritten: boolean };

/**
 * Sends the request with node:http, which tells whether the whole request reached a connected
 * socket before a failure: that decides between `transient` and `unknown`. One deadline of
 * `timeoutMs` covers connecting, the response and the excerpt; redirects are never followed.
 * The egress agents (kept alive between attempts) connect only where the egress policy allows:
 * a refused target fails `permanent` with an `egress_denied` error, nothing connected.
 */
export async function sendRequest(
  request: OutboundRequest,
  { agents, now }: { agents: EgressAgents; now: () => Date },
): Promise<AttemptResult> {
  const exchange = await exchangeOnce(request, agents);
  if (!exchange.ok) {
    const outcome = classifyFailedExchange(exchange);
    return {
      outcome,
      httpStatus: null,
      error: truncate(describeFailure(exchange, outcome, request.timeoutMs), MAX_ERROR_LENGTH),
      responseExcerpt: null,
      retryAfterMs: null,
    };
  }
  const { response, excerpt } = exchange;
  const status = response.statusCode ?? 0;
  const outcome = classifyHttpStatus(status);
  const hasRetryAfter = status === 429 || status === 503;
  const retryAfter = response.headers['retry-after'];
  return {
    outcome,
    httpStatus: status,
    error: outcome === 'success' ? null : `HTTP ${status} ${response.statusMessage ?? ''}`.trim(),
    responseExcerpt: excerpt,
    retryAfterMs: hasRetryAfter ? parseRetryAfter(retryAfter ?? null, now()) : null,
  };
}

function describeFailure(
  exchange: Extract<Exchange, { ok: false }>,
  outcome: AttemptOutcome,
  timeoutMs: number,
): string {
  if (isTimeout(exchange.error)) {
    return outcome === 'unknown'
      ? `Timed out after ${timeoutMs} ms waiting for the response (the request was sent)`
      : `Timed out after ${timeoutMs} ms`;
  }
  const description = describeRequestError(exchange.error);
  return outcome === 'unknown'
    ? `${description} (after the request was sent, before a response)`
    : description;
}

function exchangeOnce(request: OutboundRequest, agents: EgressAgents): Promise<Exchange> {
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch (error) {
      resolve({ ok: false, error, isRequestWritten: false });
      return;
    }
    const refusal = refuse(url) ?? agents.refusalOf(url);
    if (refusal !== null) {
      resolve({ ok: false, error: refusal, isRequestWritten: false });
      return;
    }
    let isSettled = false;
    const settle = (exchange: Exchange) => {
      if (!isSettled) {
        isSettled = true;
        clearTimeout(timer);
        resolve(exchange);
      }
    };
    const body =
      typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let outgoing: ReturnType<typeof httpRequest>;
    try {
      outgoing = send(url, {
        method: request.method,
        headers: { ...request.headers, 'content-length': String(body.byteLength) },
        agent: agents.agentFor(url),
      });
    } catch (error) {
      // Node refuses invalid header names and values synchronously.
      resolve({ ok: false, error, isRequestWritten: false });
      return;
    }
    const timer = setTimeout(
      () => outgoing.destroy(timeoutError(request.timeoutMs)),
      request.timeoutMs,
    );
    // Written = the last byte was handed to a socket whose connection (and TLS handshake)
    // was established; until then Node only buffers, and nothing can have reached the target.
    let isConnected = false;
    let isFinished = false;
    outgoing.on('socket', (socket) => {
      if (outgoing.reusedSocket || (!socket.connecting && !(socket instanceof TLSSocket))) {
        isConnected = true;
        return;
      }
      socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', () => {
        isConnected = true;
      });
    });
    outgoing.on('finish', () => {
      isFinished = true;
    });
    let hasResponse = false;
    outgoing.on('error', (error) => {
      // Once a status came, a failure while reading the excerpt changes nothing.
      if (!hasResponse) {
        settle({ ok: false, error, isRequestWritten: isConnected && isFinished });
      }
    });
    outgoing.on('response', (response) => {
      hasResponse = true;
      void readExcerpt(response).then((excerpt) => settle({ ok: true, response, excerpt }));
    });
    outgoing.end(body);
  });
}

function refuse(url: URL): Error | null {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return new Error('unknown scheme');
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  return BAD_PORTS.has(port) ? new Error('bad port') : null;
}

function timeoutError(timeoutMs: number): Error {
  return Object.assign(new Error(`The operation was aborted due to timeout (${timeoutMs} ms)`), {
    name: 'TimeoutError',
  });
}

function isTimeout(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'TimeoutError';
}

// Reads at most a little more than the excerpt, then drops the rest of the body.
async function readExcerpt(response: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size >= MAX_EXCERPT_LENGTH * 4) {
        break;
      }
    }
  } catch {
    // A body that breaks off mid-way still leaves the status, which is what counts.
  } finally {
    response.destroy();
  }
  const text = Buffer.concat(chunks).toString('utf8').replaceAll('\u0000', '');
  return text === '' ? null : truncate(text, MAX_EXCERPT_LENGTH);
}
