import type { AttemptOutcome } from '@triggerline/contracts';
import {
  classifyHttpStatus,
  classifyRequestError,
  describeRequestError,
} from '../../retry/error-classifier';
import { parseRetryAfter } from '../../retry/retry-policy';
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

/** Sends the request with Node's fetch: a hard timeout, redirects never followed. */
export async function sendRequest(
  request: OutboundRequest,
  now: () => Date,
): Promise<AttemptResult> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    const category = classifyRequestError(error);
    const description = describeRequestError(error);
    return {
      outcome: category,
      httpStatus: null,
      error: truncate(
        isTimeout(error) ? `Timed out after ${request.timeoutMs} ms` : description,
        MAX_ERROR_LENGTH,
      ),
      responseExcerpt: null,
      retryAfterMs: null,
    };
  }
  const excerpt = await readExcerpt(response);
  const outcome = classifyHttpStatus(response.status);
  const hasRetryAfter = response.status === 429 || response.status === 503;
  return {
    outcome,
    httpStatus: response.status,
    error: outcome === 'success' ? null : `HTTP ${response.status} ${response.statusText}`.trim(),
    responseExcerpt: excerpt,
    retryAfterMs: hasRetryAfter
      ? parseRetryAfter(response.headers.get('retry-after'), now())
      : null,
  };
}

// By name: the DOMException may come from another realm, where instanceof fails.
function isTimeout(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'TimeoutError';
}

// Reads at most a little more than the excerpt, then drops the rest of the body.
async function readExcerpt(response: Response): Promise<string | null> {
  if (response.body === null) {
    return null;
  }
  const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_EXCERPT_LENGTH * 4) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body that breaks off mid-way still leaves the status, which is what counts.
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).toString('utf8').replaceAll('\u0000', '');
  return text === '' ? null : truncate(text, MAX_EXCERPT_LENGTH);
}
