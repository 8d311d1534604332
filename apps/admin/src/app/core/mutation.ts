import { DestroyRef, inject, type Signal, signal } from '@angular/core';
import type { Observable, Subscription } from 'rxjs';
import { ApiError, isApiError } from './api-error';

/** One API call a user starts (save, retry, test): its state as signals, one run at a time. */
export interface Mutation<Args, Result> {
  /** Starts the call unless one is in flight; `onSuccess` runs after `result` is set. */
  run(args: Args, onSuccess?: (result: Result) => void): void;
  readonly busy: Signal<boolean>;
  /** The failure of the last run; any error that is not the API's reads as `network_error`. */
  readonly error: Signal<ApiError | null>;
  /** The answer of the last successful run; cleared when a run starts. */
  readonly result: Signal<Result | null>;
  /** Forgets the last result and error, for example when the input they answered changed. */
  reset(): void;
}

/**
 * Wraps `call` for a component (call it in an injection context): the request is cancelled
 * when the component is destroyed.
 */
export function mutation<Args, Result>(
  call: (args: Args) => Observable<Result>,
): Mutation<Args, Result> {
  const busy = signal(false);
  const error = signal<ApiError | null>(null);
  const result = signal<Result | null>(null);
  let running: Subscription | null = null;
  inject(DestroyRef).onDestroy(() => running?.unsubscribe());

  return {
    busy: busy.asReadonly(),
    error: error.asReadonly(),
    result: result.asReadonly(),
    reset: () => {
      error.set(null);
      result.set(null);
    },
    run: (args, onSuccess) => {
      if (busy()) {
        return;
      }
      busy.set(true);
      error.set(null);
      result.set(null);
      running = call(args).subscribe({
        next: (answer) => {
          busy.set(false);
          result.set(answer);
          onSuccess?.(answer);
        },
        error: (failure: unknown) => {
          busy.set(false);
          error.set(
            isApiError(failure)
              ? failure
              : new ApiError({ status: 0, code: 'network_error', message: 'Unexpected error.' }),
          );
        },
      });
    },
  };
}
