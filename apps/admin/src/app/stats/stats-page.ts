import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { EXECUTION_STATUSES } from '@triggerline/contracts';
import { Icon } from '../core/icon';
import { rejectionCounts } from '../rejections/rejection-outcome';
import { ExecutionChart } from './execution-chart';
import { STATS_WINDOWS, StatsApi, type StatsWindow } from './stats-api';
import { watermarkPercent } from './stats-monitor';

@Component({
  selector: 'tl-stats-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [
    DecimalPipe,
    RouterLink,
    MatButtonModule,
    MatButtonToggleModule,
    MatProgressBarModule,
    ExecutionChart,
    Icon,
  ],
  templateUrl: './stats-page.html',
  styleUrl: './stats-page.css',
})
export class StatsPage {
  private readonly api = inject(StatsApi);

  protected readonly windows = STATS_WINDOWS;
  protected readonly statuses = EXECUTION_STATUSES;
  protected readonly days = signal<StatsWindow>(1);
  protected readonly watermarkPercent = watermarkPercent;

  protected readonly stats = rxResource({
    params: () => this.days(),
    stream: ({ params: days }) => this.api.get(days),
  });
  protected readonly maxByStatus = computed(() =>
    this.stats.hasValue() ? Math.max(1, ...Object.values(this.stats.value().byStatus)) : 1,
  );

  /** Refused deliveries of the window by reason, most frequent first. */
  protected readonly rejections = computed(() =>
    this.stats.hasValue() ? rejectionCounts(this.stats.value().rejected) : [],
  );
  protected readonly rejectedTotal = computed(() =>
    this.rejections().reduce((total, row) => total + row.count, 0),
  );
  protected readonly maxRejected = computed(() =>
    Math.max(1, ...this.rejections().map((row) => row.count)),
  );

  protected windowLabel(days: number): string {
    return days === 1 ? '24 h' : `${days} days`;
  }

  protected refresh(): void {
    this.stats.reload();
  }
}
