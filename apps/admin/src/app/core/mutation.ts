import { type Signal, signal } from '@angular/core';
import type { Observable } from 'rxjs';

export interface Mutation<Input> {
  /** Sends the request for `input`; while one is in flight, another run changes nothing. */
  run(input: Input): void;
  /** True while the request is in flight. */
  readonly busy: Signal<boolean>;
  /** Why the last request failed (an ApiError, as the interceptor maps it); null otherwise. */
  readonly error: Signal<unknown>;
}

/**
 * A request that changes something, with what a button or a form shows of it: `busy` while it is
 * in flight, `error` when it failed. `onSuccess` and `onError` say what follows. A request in
 * flight is never abandoned: the server may be changing something already.
 */
export function mutation<Result, Input = void>(options: {
  request: (input: Input) => Observable<Result>;
  onSuccess?: (result: Result, input: Input) => void;
  onError?: (error: unknown, input: Input) => void;
}): Mutation<Input> {
  const busy = signal(false);
  const error = signal<unknown>(null);
  return {
    busy: busy.asReadonly(),
    error: error.asReadonly(),
    run(input: Input): void {
      if (busy()) {
        return;
      }
      busy.set(true);
      error.set(null);
      options.request(input).subscribe({
        next: (result) => {
          busy.set(false);
          options.onSuccess?.(result, input);
        },
        error: (failure: unknown) => {
          busy.set(false);
          error.set(failure);
          options.onError?.(failure, input);
        },
        // A request may also end without an answer (a confirmation declined on the way).
        complete: () => busy.set(false),
      });
    },
  };
}
