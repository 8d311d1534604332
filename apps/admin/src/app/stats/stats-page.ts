import { DecimalPipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { rxResource } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { RouterLink } from '@angular/router';
import { EXECUTION_STATUSES } from '@triggerline/contracts';
import { Icon } from '../core/icon';
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

  protected windowLabel(days: number): string {
    return days === 1 ? '24 h' : `${days} days`;
  }

  protected refresh(): void {
    this.stats.reload();
  }
}
