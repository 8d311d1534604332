import type { Redrive } from '@triggerline/contracts';
import { switchMap, takeWhile, timer, type Observable } from 'rxjs';

/** While a redrive runs, the console reads its progress this often. */
export const REDRIVE_POLL_MS = 500;

/** Percent of the matched dead letters handled (replayed or skipped). */
export function redrivePercent(redrive: Redrive): number {
  return redrive.matched === 0
    ? 100
    : ((redrive.replayed + redrive.skipped) / redrive.matched) * 100;
}

export function redriveSummary(redrive: Redrive): string {
  return `${redrive.replayed} replayed, ${redrive.skipped} skipped of ${redrive.matched}`;
}

/** Reads the redrive until it is no longer running; the last value is the final state. */
export function followRedrive(read: () => Observable<Redrive>): Observable<Redrive> {
  return timer(0, REDRIVE_POLL_MS).pipe(
    switchMap(() => read()),
    takeWhile((redrive) => redrive.status === 'running', true),
  );
}
