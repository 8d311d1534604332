import { computed, effect, inject, Injectable, signal } from '@angular/core';
import type { Stats, TriggerStats } from '@triggerline/contracts';
import { catchError, EMPTY, merge, Subject, switchMap, timer } from 'rxjs';
import { alertBanners } from '../core/alert-banners';
import { type ApiError, isApiError } from '../core/api-error';
import { Session } from '../core/session';
import { StatsApi } from './stats-api';

export const STATS_POLL_INTERVAL_MS = 10_000;

/** How full a trigger's daily watermark is, 0..100 (0 without a watermark). */
export function watermarkPercent(trigger: TriggerStats): number {
  return trigger.dailyWatermark
    ? Math.min(100, (trigger.executions24h / trigger.dailyWatermark) * 100)
    : 0;
}

/**
 * The one poller of `GET /api/stats` (every 10 s while signed in), shared by the navigation
 * badge, the alert banners and the trigger list.
 */
@Injectable({ providedIn: 'root' })
export class StatsMonitor {
  private readonly api = inject(StatsApi);
  private readonly session = inject(Session);
  private readonly refreshes = new Subject<void>();

  readonly stats = signal<Stats | null>(null);
  readonly error = signal<ApiError | null>(null);
  readonly updatedAt = signal<number>(0);
  readonly dlqSize = computed(() => this.stats()?.dlqSize ?? 0);
  readonly banners = computed(() => alertBanners(this.stats()));

  constructor() {
    effect((onCleanup) => {
      if (!this.session.isSignedIn()) {
        this.stats.set(null);
        return;
      }
      const subscription = merge(timer(0, STATS_POLL_INTERVAL_MS), this.refreshes)
        .pipe(
          switchMap(() =>
            this.api.get(1).pipe(
              catchError((error: unknown) => {
                this.error.set(isApiError(error) ? error : null);
                return EMPTY;
              }),
            ),
          ),
        )
        .subscribe((stats) => {
          this.stats.set(stats);
          this.error.set(null);
          this.updatedAt.set(Date.now());
        });
      onCleanup(() => subscription.unsubscribe());
    });
  }

  /** Fetches now, for example right after an action that changes the numbers. */
  refresh(): void {
    this.refreshes.next();
  }
}
