import { Injectable } from '@nestjs/common';
import type { Stats } from '@triggerline/contracts';
import { currentAlerts } from '../alerts/current-alerts';
import { AppConfig } from '../config/app-config';
import { StatsRepository } from './stats.repository';

@Injectable()
export class StatsService {
  constructor(
    private readonly repository: StatsRepository,
    private readonly config: AppConfig,
  ) {}

  /** Live numbers, read on every call. */
  async stats(days: number): Promise<Stats> {
    const [window, dlqSize, triggers] = await Promise.all([
      this.repository.windowCounts(days),
      this.repository.dlqSize(),
      this.repository.triggerVolumes(),
    ]);
    const total = Object.values(window.byStatus).reduce((sum, n) => sum + n, 0);
    return {
      windowDays: days,
      since: window.since.toISOString(),
      total,
      byStatus: window.byStatus,
      byActionType: window.byActionType,
      dlqSize,
      idempotentReplays: window.idempotentReplays,
      retriesObserved: window.retriesObserved,
      triggers,
      watermarkHit: triggers.some((trigger) => trigger.watermarkHit),
      alerts: currentAlerts({ triggers, dlqSize, dlqThreshold: this.config.dlqAlertThreshold }),
      series: window.series,
    };
  }
}
