import { Injectable } from '@nestjs/common';
import {
  type FlowGroupStats,
  isGroupWatermarkHit,
  type RejectionReason,
  type RouterHealth,
  type Stats,
} from '@triggerline/contracts';
import { DeliveryOutcomeCounts } from '../rejections/delivery-outcome-counts.store';
import { RejectionsStore } from '../rejections/rejections.store';
import { AppConfig } from '../config/app-config';
import { FlowGroupsStore, type StoredFlowGroup } from '../flow/flow-groups.store';
import { FlowStore } from '../flow/flow.store';
import { TriggerError } from '../triggers/triggers.errors';
import { currentAlerts } from './current-alerts';
import { StatsRepository } from './stats.repository';

@Injectable()
export class StatsService {
  constructor(
    private readonly repository: StatsRepository,
    private readonly config: AppConfig,
    private readonly flow: FlowStore,
    private readonly rejections: RejectionsStore,
    private readonly outcomeCounts: DeliveryOutcomeCounts,
    private readonly flowGroups: FlowGroupsStore,
  ) {}

  async routerHealth(routerId: string): Promise<RouterHealth> {
    const health = await this.repository.routerHealth(routerId);
    if (health === null) {
      throw new TriggerError('trigger_not_found', `No trigger with id ${routerId}.`);
    }
    return health;
  }

  /** Live numbers, read on every call. */
  async stats(days: number): Promise<Stats> {
    const [
      window,
      dlqSize,
      triggers,
      outcomeUnknown,
      silence,
      openCircuits,
      rejecting,
      paused,
      groups,
    ] = await Promise.all([
      this.repository.windowCounts(days),
      this.repository.dlqSize(),
      this.repository.triggerVolumes(),
      this.repository.outcomeUnknownCount(),
      this.repository.silenceWatches(),
      this.flow.openCircuits(),
      this.rejections.rejecting(this.config.rejectionAlertThreshold),
      this.repository.pausedByRule(),
      this.flowGroups.list(),
    ]);
    const uncounted = await this.outcomeCounts.since(window.since);
    const rejected: Stats['rejected'] = {};
    for (const [outcome, count] of uncounted) {
      if (outcome.startsWith('rejected:')) {
        rejected[outcome.slice('rejected:'.length) as RejectionReason] = count;
      }
    }
    const total = Object.values(window.byStatus).reduce((sum, n) => sum + n, 0);
    return {
      windowDays: days,
      since: window.since.toISOString(),
      total,
      byStatus: window.byStatus,
      byActionType: window.byActionType,
      dlqSize,
      idempotentReplays: window.idempotentReplays,
      idempotencyConflicts: window.idempotencyConflicts,
      retriesObserved: window.retriesObserved,
      triggers,
      flowGroups: groups.map(toFlowGroupStats),
      watermarkHit:
        triggers.some((trigger) => trigger.watermarkHit) ||
        groups.some((group) => toFlowGroupStats(group).watermarkHit),
      alerts: currentAlerts({
        triggers,
        openCircuits,
        dlqSize,
        dlqThreshold: this.config.dlqAlertThreshold,
        outcomeUnknown,
        silences: silence.watches,
        rejecting,
        pausedByRule: paused,
        groups,
        now: silence.now,
      }),
      series: window.series,
      rejected,
      filtered: uncounted.get('filtered') ?? 0,
    };
  }
}

function toFlowGroupStats(group: StoredFlowGroup): FlowGroupStats {
  return {
    name: group.name,
    firstAttempts24h: group.firstAttempts24h,
    dailyWatermark: group.dailyWatermark,
    watermarkHit: isGroupWatermarkHit(group),
    running: group.running,
    maxConcurrency: group.maxConcurrency,
  };
}
