import { EMPTY, Subject, throwError } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from './api-error';
import { mutation } from './mutation';

describe(mutation.name, () => {
  it('is busy while the request is in flight, then hands the answer and its input on', () => {
    const answer = new Subject<string>();
    const onSuccess = vi.fn();
    const sut = mutation({ request: (_id: number) => answer, onSuccess });

    sut.run(7);

    expect(sut.busy()).toBe(true);
    answer.next('saved');
    answer.complete();
    expect(sut.busy()).toBe(false);
    expect(sut.error()).toBeNull();
    expect(onSuccess).toHaveBeenCalledWith('saved', 7);
  });

  it('sends nothing more while a request is in flight', () => {
    const request = vi.fn(() => new Subject<string>());
    const sut = mutation({ request });

    sut.run();
    sut.run();

    expect(request).toHaveBeenCalledTimes(1);
  });

  it('keeps the failure until the next run, and hands it on', () => {
    const failure = new ApiError({ status: 409, code: 'already_resolved', message: 'Resolved.' });
    const answers = [throwError(() => failure), new Subject<string>()];
    const onError = vi.fn();
    const sut = mutation<string, void>({ request: () => answers.shift()!, onError });

    sut.run();

    expect(sut.busy()).toBe(false);
    expect(sut.error()).toBe(failure);
    expect(onError).toHaveBeenCalledWith(failure, undefined);
    sut.run();
    expect(sut.error()).toBeNull();
    expect(sut.busy()).toBe(true);
  });

  it('is no longer busy when the request ends without an answer', () => {
    const onSuccess = vi.fn();
    const sut = mutation<never, void>({ request: () => EMPTY, onSuccess });

    sut.run();

    expect(sut.busy()).toBe(false);
    expect(onSuccess).not.toHaveBeenCalled();
  });
});
