import type { Execution, Page } from '@triggerline/contracts';
import { EMPTY, expand, type Observable, reduce } from 'rxjs';

export interface HistogramBucket {
  start: Date;
  total: number;
  /** Of `total`, the executions that ended dead-lettered. */
  failed: number;
}

export interface Histogram {
  buckets: HistogramBucket[];
  bucketMs: number;
  /** True when only the newest `MAX_EXECUTIONS` of the window were counted. */
  isPartial: boolean;
}

const HOUR_MS = 3_600_000;
const PAGE_LIMIT = 200;
/** The chart reads at most this many executions (newest first) so it stays quick. */
export const MAX_EXECUTIONS = 2000;

/** Hourly buckets for a one-day window, daily ones beyond. */
export function bucketSizeMs(windowDays: number): number {
  return windowDays <= 1 ? HOUR_MS : 24 * HOUR_MS;
}

/** Counts executions per bucket between `since` and `now`, oldest bucket first. */
export function toHistogram(input: {
  executions: readonly Pick<Execution, 'createdAt' | 'status'>[];
  since: Date;
  now: Date;
  bucketMs: number;
  isPartial: boolean;
}): Histogram {
  const { since, now, bucketMs } = input;
  const count = Math.max(1, Math.ceil((now.getTime() - since.getTime()) / bucketMs));
  const buckets: HistogramBucket[] = Array.from({ length: count }, (_, index) => ({
    start: new Date(since.getTime() + index * bucketMs),
    total: 0,
    failed: 0,
  }));
  for (const execution of input.executions) {
    const index = Math.floor((Date.parse(execution.createdAt) - since.getTime()) / bucketMs);
    const bucket = buckets[Math.min(index, count - 1)];
    if (index >= 0 && bucket !== undefined) {
      bucket.total += 1;
      if (execution.status === 'dead_lettered') {
        bucket.failed += 1;
      }
    }
  }
  return { buckets, bucketMs, isPartial: input.isPartial };
}

/**
 * Every execution created since `since`, read page by page (newest first) until the window
 * or `MAX_EXECUTIONS` is passed. The stats route has no time series, so the console builds it.
 */
export function executionsSince(
  list: (cursor: string | null, limit: number) => Observable<Page<Execution>>,
  since: Date,
): Observable<{ executions: Execution[]; isPartial: boolean }> {
  const isInWindow = (execution: Execution) => Date.parse(execution.createdAt) >= since.getTime();
  return list(null, PAGE_LIMIT).pipe(
    expand((page, index) =>
      page.nextCursor !== null &&
      (index + 1) * PAGE_LIMIT < MAX_EXECUTIONS &&
      page.items.every(isInWindow)
        ? list(page.nextCursor, PAGE_LIMIT)
        : EMPTY,
    ),
    reduce<Page<Execution>, { executions: Execution[]; isPartial: boolean }>(
      (result, page) => ({
        executions: [...result.executions, ...page.items.filter(isInWindow)],
        isPartial:
          page.nextCursor !== null &&
          page.items.every(isInWindow) &&
          result.executions.length + page.items.length >= MAX_EXECUTIONS,
      }),
      { executions: [], isPartial: false },
    ),
  );
}
