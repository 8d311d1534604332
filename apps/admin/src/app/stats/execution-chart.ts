import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ExecutionBucket } from '@triggerline/contracts';

const WIDTH = 720;
const HEIGHT = 200;
const AXIS = 24;

/** Executions per bucket as an inline SVG bar chart; dead-lettered ones stacked in red. */
@Component({
  selector: 'tl-execution-chart',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DatePipe],
  template: `
    <figure>
      <svg
        [attr.viewBox]="'0 0 ' + width + ' ' + (height + axis)"
        role="img"
        [attr.aria-label]="summary()"
        preserveAspectRatio="none"
        data-testid="execution-chart"
      >
        <line class="baseline" x1="0" [attr.x2]="width" [attr.y1]="height" [attr.y2]="height" />
        @for (bar of bars(); track bar.x) {
          <g>
            <title>{{ bar.label }}</title>
            <rect
              class="total"
              [attr.x]="bar.x"
              [attr.width]="bar.width"
              [attr.y]="bar.y"
              [attr.height]="bar.height"
            />
            <rect
              class="failed"
              [attr.x]="bar.x"
              [attr.width]="bar.width"
              [attr.y]="height - bar.failedHeight"
              [attr.height]="bar.failedHeight"
            />
          </g>
        }
        <text class="tick" x="0" [attr.y]="height + 16">{{ first() | date: tickFormat() }}</text>
        <text class="tick" [attr.x]="width" [attr.y]="height + 16" text-anchor="end">now</text>
        <text class="tick" [attr.x]="width" y="12" text-anchor="end">max {{ max() }}</text>
      </svg>
      <figcaption class="muted">
        <span class="key key-total"></span> executions
        <span class="key key-failed"></span> dead-lettered · one bar per
        {{ isDaily() ? 'day' : 'hour' }}
      </figcaption>
    </figure>
  `,
  styles: `
    figure {
      margin: 0;
    }
    svg {
      width: 100%;
      height: 220px;
      display: block;
    }
    .baseline {
      stroke: var(--mat-sys-outline-variant);
    }
    .total {
      fill: var(--mat-sys-primary);
      opacity: 0.8;
    }
    .failed,
    .key-failed {
      fill: #c5221f;
      background: #c5221f;
    }
    .tick {
      font-size: 12px;
      fill: var(--mat-sys-on-surface-variant);
    }
    .key {
      display: inline-block;
      width: 10px;
      height: 10px;
      margin: 0 4px 0 8px;
      border-radius: 2px;
    }
    .key-total {
      background: var(--mat-sys-primary);
    }
  `,
})
export class ExecutionChart {
  /** The stats route's `series`: every bucket of the window, oldest first. */
  readonly series = input.required<ExecutionBucket[]>();

  protected readonly width = WIDTH;
  protected readonly height = HEIGHT;
  protected readonly axis = AXIS;
  protected readonly max = computed(() =>
    Math.max(1, ...this.series().map((bucket) => bucket.total)),
  );
  protected readonly first = computed(() => this.series()[0]?.start ?? null);
  /** Hourly buckets for one day, daily ones for longer windows. */
  protected readonly isDaily = computed(() => {
    const [first, second] = this.series();
    return second !== undefined && Date.parse(second.start) - Date.parse(first.start) > 3_600_000;
  });
  protected readonly tickFormat = computed(() => (this.isDaily() ? 'MMM d' : 'HH:mm'));
  protected readonly bars = computed(() => {
    const buckets = this.series();
    const slot = WIDTH / buckets.length;
    const scale = (HEIGHT - 16) / this.max();
    return buckets.map((bucket, index) => ({
      x: index * slot + slot * 0.1,
      width: slot * 0.8,
      y: HEIGHT - bucket.total * scale,
      height: bucket.total * scale,
      failedHeight: bucket.deadLettered * scale,
      label: `${new Date(bucket.start).toLocaleString()}: ${bucket.total} executions, ${bucket.deadLettered} dead-lettered`,
    }));
  });
  protected readonly summary = computed(() => {
    const total = this.series().reduce((sum, bucket) => sum + bucket.total, 0);
    return `Bar chart of ${total} executions over the window, busiest bucket ${this.max()}`;
  });
}
