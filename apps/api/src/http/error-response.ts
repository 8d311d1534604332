import { HttpException, HttpStatus } from '@nestjs/common';
import type { ApiErrorBody, DomainErrorCode } from '@triggerline/contracts';
import { isDatabaseUnavailable } from '../database/database-errors';
import { assertUnreachable, isDomainError } from './domain-error';
import type { RequestErrorCode } from './request.errors';

// Every feature's codes, from the one list in @triggerline/contracts.
export type ErrorCode = DomainErrorCode;

export interface ErrorResponse {
  status: number;
  body: ApiErrorBody;
  headers: Record<string, string>;
  /** True when the error is not the caller's doing and deserves a log line with its stack. */
  isUnexpected: boolean;
}

export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'validation_failed':
    case 'invalid_id':
    case 'invalid_body':
    case 'invalid_url':
    case 'loop_detected':
      return HttpStatus.BAD_REQUEST;
    case 'unauthorized':
    case 'invalid_signature':
    case 'signature_expired':
      return HttpStatus.UNAUTHORIZED;
    case 'forbidden':
    case 'invalid_verify_token':
      return HttpStatus.FORBIDDEN;
    case 'not_found':
    case 'token_not_found':
    case 'trigger_not_found':
    case 'execution_not_found':
    case 'dead_letter_not_found':
    case 'redrive_not_found':
    case 'rejection_not_found':
    case 'flow_group_not_found':
      return HttpStatus.NOT_FOUND;
    case 'slug_taken':
    case 'trigger_disabled':
    case 'not_replayable':
    case 'replay_would_fail':
    case 'already_resolved':
    case 'redrive_finished':
    case 'not_unknown':
    case 'trigger_has_open_work':
    case 'trigger_routed_to':
    case 'flow_group_in_use':
      return HttpStatus.CONFLICT;
    case 'rate_limited':
      return HttpStatus.TOO_MANY_REQUESTS;
    case 'payload_too_large':
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case 'unsupported_media_type':
      return HttpStatus.UNSUPPORTED_MEDIA_TYPE;
    case 'unavailable':
    case 'secret_unavailable':
      return HttpStatus.SERVICE_UNAVAILABLE;
    default:
      return assertUnreachable(code);
  }
}

// Fastify rejects some requests before Nest sees them (body parsing, limits).
const FASTIFY_ERRORS: Record<string, { code: RequestErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'The body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'unsupported_media_type',
    message: 'Send application/json, application/x-www-form-urlencoded or text/plain.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'invalid_body',
    message: 'Content-Length does not match the body.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_body', message: 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_body', message: 'The body is not valid JSON.' },
};

// Nest wraps Fastify's own rejections in HttpExceptions that keep only the status.
const HTTP_EXCEPTION_CODES: Partial<Record<number, RequestErrorCode>> = {
  400: 'invalid_body',
  404: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};

function fromCode(code: ErrorCode, message: string): ErrorResponse {
  return {
    status: statusOf(code),
    body: { error: code, message },
    headers: {},
    isUnexpected: false,
  };
}

/** The one mapping from anything thrown to the `{ error, message }` answer of the contract. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (isDomainError(error)) {
    return {
      status: statusOf(error.code),
      body: error.toBody(),
      headers: error.headers,
      isUnexpected: false,
    };
  }
  const fastifyCode = (error as { code?: unknown } | null)?.code;
  if (typeof fastifyCode === 'string' && fastifyCode in FASTIFY_ERRORS) {
    const known = FASTIFY_ERRORS[fastifyCode];
    return fromCode(known.code, known.message);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = HTTP_EXCEPTION_CODES[status];
    if (code !== undefined) {
      return fromCode(code, error.message);
    }
    if (status < 500) {
      return {
        status,
        body: { error: 'bad_request', message: error.message },
        headers: {},
        isUnexpected: false,
      };
    }
  }
  if (isDatabaseUnavailable(error)) {
    return {
      ...fromCode('unavailable', 'The database is unreachable; try again shortly.'),
      headers: { 'retry-after': '5' },
      isUnexpected: true,
    };
  }
  return {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    body: { error: 'internal_error', message: 'Something went wrong on our side.' },
    headers: {},
    isUnexpected: true,
  };
}
