import { TestBed } from '@angular/core/testing';
import type { ExecutionBucket } from '@triggerline/contracts';
import { describe, expect, it } from 'vitest';
import { ExecutionChart } from './execution-chart';

const HOUR_MS = 3_600_000;

function render(series: ExecutionBucket[]): HTMLElement {
  const fixture = TestBed.createComponent(ExecutionChart);
  fixture.componentRef.setInput('series', series);
  fixture.detectChanges();
  return fixture.nativeElement as HTMLElement;
}

const buckets = (stepMs: number, totals: [number, number][]): ExecutionBucket[] =>
  totals.map(([total, deadLettered], index) => ({
    start: new Date(Date.UTC(2026, 0, 1) + index * stepMs).toISOString(),
    total,
    deadLettered,
  }));

describe('ExecutionChart', () => {
  it('draws one bar per bucket, dead-lettered ones stacked, scaled to the busiest', () => {
    const element = render(
      buckets(HOUR_MS, [
        [0, 0],
        [4, 1],
        [2, 0],
      ]),
    );
    expect(element.querySelectorAll('rect.total')).toHaveLength(3);
    const failed = [...element.querySelectorAll('rect.failed')].map((rect) =>
      Number(rect.getAttribute('height')),
    );
    const totals = [...element.querySelectorAll('rect.total')].map((rect) =>
      Number(rect.getAttribute('height')),
    );
    expect(failed[1]).toBeCloseTo(totals[1] / 4);
    expect(totals[2]).toBeCloseTo(totals[1] / 2);
    expect(element.querySelector('svg')?.getAttribute('aria-label')).toBe(
      'Bar chart of 6 executions over the window, busiest bucket 4',
    );
    expect(element.textContent).toContain('one bar per hour');
  });

  it('says one bar per day for daily buckets', () => {
    const element = render(
      buckets(24 * HOUR_MS, [
        [1, 0],
        [3, 3],
      ]),
    );
    expect(element.textContent).toContain('one bar per day');
  });
});
