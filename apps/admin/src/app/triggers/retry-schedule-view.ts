import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { RetrySchedule } from '@triggerline/contracts';

/** `850 ms`, `12.5 s`, `2 min 5 s`, `3 h 20 min`: a delay as a person reads it. */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${ms} ms`;
  }
  if (ms < 60_000) {
    return `${Number((ms / 1000).toFixed(1))} s`;
  }
  if (ms < 3_600_000) {
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.round((ms % 60_000) / 1000);
    return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
  }
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.round((ms % 3_600_000) / 60_000);
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

/** When each retry starts after the first attempt, and the worst case to a dead letter. */
@Component({
  selector: 'tl-retry-schedule',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (schedule(); as schedule) {
      <table class="schedule" data-testid="retry-schedule">
        <caption>
          Counted from the start of the first attempt
        </caption>
        <thead>
          <tr>
            <th scope="col">Attempt</th>
            <th scope="col">Earliest</th>
            <th scope="col">Latest</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>1</td>
            <td>0 ms</td>
            <td>0 ms</td>
          </tr>
          @for (attempt of schedule.attempts; track attempt.number) {
            <tr data-testid="retry-schedule-row">
              <td>{{ attempt.number }}</td>
              <td>{{ format(attempt.earliestMs) }}</td>
              <td>{{ format(attempt.latestMs) }}</td>
            </tr>
          }
        </tbody>
      </table>
      <p class="worst" data-testid="retry-worst-case">
        Worst case from delivery to dead letter:
        <strong>{{ format(schedule.worstCaseMs) }}</strong>
      </p>
    } @else {
      <p class="muted" data-testid="retry-schedule-unknown">
        Fill in every retry field to see the schedule (empty fields take the server's defaults).
      </p>
    }
  `,
  styles: `
    .schedule {
      border-collapse: collapse;
      font-variant-numeric: tabular-nums;
    }
    caption {
      text-align: start;
      font: var(--mat-sys-body-small);
      color: var(--mat-sys-on-surface-variant);
    }
    th,
    td {
      padding: 2px 16px 2px 0;
      text-align: end;
    }
    th:first-child,
    td:first-child {
      text-align: start;
    }
    .worst {
      margin: 8px 0 0;
    }
  `,
})
export class RetryScheduleView {
  readonly schedule = input.required<RetrySchedule | null>();
  protected readonly format = formatDuration;
}
