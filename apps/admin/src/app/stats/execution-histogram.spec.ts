import type { Execution, Page } from '@triggerline/contracts';
import { firstValueFrom, of } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import { executionsSince, MAX_EXECUTIONS, toHistogram } from './execution-histogram';

const since = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(since.getTime() + minutes * 60_000).toISOString();

describe('toHistogram', () => {
  it('counts executions per hour, dead-lettered ones apart, oldest bucket first', () => {
    const sut = toHistogram({
      executions: [
        { createdAt: at(5), status: 'succeeded' },
        { createdAt: at(50), status: 'dead_lettered' },
        { createdAt: at(61), status: 'succeeded' },
        { createdAt: at(-1), status: 'succeeded' },
      ],
      since,
      now: new Date(since.getTime() + 3 * 3_600_000),
      bucketMs: 3_600_000,
      isPartial: false,
    });
    expect(sut.buckets.map((bucket) => [bucket.total, bucket.failed])).toEqual([
      [2, 1],
      [1, 0],
      [0, 0],
    ]);
  });
});

describe('executionsSince', () => {
  const page = (minutes: number[], nextCursor: string | null): Page<Execution> => ({
    items: minutes.map((minute) => ({ createdAt: at(minute), status: 'succeeded' }) as Execution),
    nextCursor,
  });

  it('reads pages until one reaches past the window', async () => {
    const list = vi
      .fn()
      .mockReturnValueOnce(of(page([30, 20], 'c1')))
      .mockReturnValueOnce(of(page([10, -5], 'c2')));
    const sut = await firstValueFrom(executionsSince(list, since));
    expect(list).toHaveBeenCalledTimes(2);
    expect(list).toHaveBeenLastCalledWith('c1', 200);
    expect(sut.executions).toHaveLength(3);
    expect(sut.isPartial).toBe(false);
  });

  it('stops at MAX_EXECUTIONS and says the count is partial', async () => {
    const full = page(
      Array.from({ length: 200 }, () => 1),
      'more',
    );
    const list = vi.fn(() => of(full));
    const sut = await firstValueFrom(executionsSince(list, since));
    expect(list).toHaveBeenCalledTimes(MAX_EXECUTIONS / 200);
    expect(sut.isPartial).toBe(true);
  });
});
