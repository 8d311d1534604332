import type { ApiErrorBody, ExecutionErrorCode } from '@triggerline/contracts';
import { DomainError } from '../http/domain-error';

export type { ExecutionErrorCode };

export class ExecutionError extends DomainError<ExecutionErrorCode> {}

/** The same event was replayed less than REPLAY_COOLDOWN_MS ago. */
export class ReplayRateLimitedError extends ExecutionError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      'rate_limited',
      `This event was replayed moments ago; try again in ${retryAfterSeconds} s.`,
    );
  }

  override toBody(): ApiErrorBody {
    return { ...super.toBody(), retryAfterSeconds: this.retryAfterSeconds };
  }

  override get headers(): Record<string, string> {
    return { 'retry-after': String(this.retryAfterSeconds) };
  }
}
