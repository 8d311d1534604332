import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { toErrorResponse } from './error-response';
import { RequestError } from './request.errors';

// A '%' that does not start an escape is kept as a literal, as the query-string parser does.
const STRAY_PERCENT = /%(?![0-9a-f]{2})/gi;

function decodedProblem(part: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(part.replace(STRAY_PERCENT, '%25'));
  } catch {
    return 'The URL is not valid UTF-8 once percent-decoded.';
  }
  return decoded.includes('\u0000') ? 'NUL characters are not supported in URLs.' : null;
}

/**
 * Why a request URL (path and query string) cannot be served, or null. A NUL character or
 * invalid UTF-8 in any part of it could only fail later, in PostgreSQL, as a 500.
 */
export function findUrlProblem(url: string): string | null {
  if (!url.includes('%') && !url.includes('\u0000')) {
    return null; // nearly every request: nothing encoded
  }
  const queryStart = url.indexOf('?');
  if (queryStart === -1) {
    return decodedProblem(url);
  }
  const parts = [url.slice(0, queryStart), ...url.slice(queryStart + 1).split(/[&=]/)];
  for (const part of parts) {
    const problem = decodedProblem(part.replaceAll('+', ' '));
    if (problem !== null) {
      return problem;
    }
  }
  return null;
}

const invalidUrl = (message: string) => new RequestError('invalid_url', message);

/**
 * Refuses such URLs with 400 `invalid_url` on every route, before routing and guards, through
 * the same error filter as any other error.
 */
export function registerUrlCheck(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const problem = findUrlProblem(request.url);
    done(problem === null ? undefined : invalidUrl(problem));
  });
}

/**
 * Fastify's `frameworkErrors`: the router answers a path it cannot percent-decode, or with a
 * parameter over its length limit, in its own format; give the contract's error instead. These
 * requests never reach a route, nor the error filter, so the answer is sent here.
 */
export function onFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  sendErrorResponse(
    reply,
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? invalidUrl('A path parameter is longer than 100 characters.')
      : error.code === 'FST_ERR_BAD_URL'
        ? invalidUrl(findUrlProblem(request.url) ?? 'The URL cannot be percent-decoded.')
        : error,
  );
}

/** The contract's error answer, for requests that Nest's error filter never sees. */
export function sendErrorResponse(reply: FastifyReply, error: unknown): void {
  const response = toErrorResponse(error);
  void reply.status(response.status).headers(response.headers).send(response.body);
}
