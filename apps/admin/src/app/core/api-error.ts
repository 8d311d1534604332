import type { ApiErrorBody, ApiErrorCode } from '@triggerline/contracts';

/** The API's codes, and the console's own when no error body came back. */
export type ApiErrorKind = ApiErrorCode | 'network_error' | `http_${number}`;

export interface ApiErrorInit {
  /** HTTP status; 0 when the server could not be reached. */
  status: number;
  /** The `error` code of the body, such as `rate_limited`. */
  code: ApiErrorKind;
  message: string;
  retryAfterSeconds?: number;
  details?: string[];
}

/** Every failed API call surfaces as this, mapped once by the API interceptor. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: ApiErrorKind;
  readonly retryAfterSeconds?: number;
  readonly details?: string[];

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.details = init.details;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** What to show for any failure: the API's message, or a generic one. */
export function errorMessage(error: unknown): string {
  return isApiError(error) ? error.message : 'Unexpected error.';
}

/** Builds the error from a response: its JSON body when it is one, else from the status. */
export function toApiError(response: {
  status: number;
  body: unknown;
  retryAfterHeader: string | null;
}): ApiError {
  const { status } = response;
  const body = isErrorBody(response.body) ? response.body : null;
  return new ApiError({
    status,
    code: body?.error ?? (status === 0 ? 'network_error' : `http_${status}`),
    message:
      body?.message ??
      (status === 0 ? 'The server could not be reached.' : `The server answered ${status}.`),
    retryAfterSeconds: body?.retryAfterSeconds ?? parseRetryAfter(response.retryAfterHeader),
    details: body?.details,
  });
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as Partial<ApiErrorBody>).error === 'string' &&
    typeof (body as Partial<ApiErrorBody>).message === 'string'
  );
}

/** `Retry-After` in whole seconds; undefined when absent or not a number of seconds. */
function parseRetryAfter(header: string | null): number | undefined {
  return header !== null && /^\d+$/.test(header.trim()) ? Number(header.trim()) : undefined;
}
