import { isApiError } from '../core/api-error';

/**
 * What to tell the operator when a replay is refused. Reads only the structured error
 * (status, code, retryAfterSeconds), never the message text, except as a last resort.
 */
export function replayFailureMessage(error: unknown): string {
  if (!isApiError(error)) {
    return 'The replay failed unexpectedly.';
  }
  if (error.status === 429 && error.code === 'rate_limited') {
    const seconds = error.retryAfterSeconds;
    return seconds === undefined
      ? 'This event was replayed moments ago. Wait a little before replaying it again.'
      : `This event was replayed moments ago. Wait ${seconds} ${seconds === 1 ? 'second' : 'seconds'} before replaying it again.`;
  }
  if (error.status === 409 && error.code === 'not_replayable') {
    return 'This execution cannot be replayed: only failed (retryable) or dead-lettered executions can, and it has moved on since.';
  }
  if (error.status === 409 && error.code === 'already_resolved') {
    return 'This dead letter is already resolved, so it cannot be replayed again from here.';
  }
  if (error.status === 404) {
    return 'It no longer exists (it may have been deleted).';
  }
  return `The replay failed: ${error.message}`;
}
