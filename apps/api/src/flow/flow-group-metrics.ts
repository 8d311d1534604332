import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Metrics } from '../metrics/metrics';
import { FlowGroupsStore, type StoredFlowGroup } from './flow-groups.store';

/**
 * SPEC §15: per flow group, what its limits count, read at scrape time from the store (one query
 * per scrape feeds the three gauges); a deleted group's series disappear.
 */
@Injectable()
export class FlowGroupMetrics {
  private pending: Promise<StoredFlowGroup[]> | null = null;

  constructor(
    metrics: Metrics,
    private readonly store: FlowGroupsStore,
  ) {
    const read = () => this.read();
    const perGroup = (
      name: string,
      help: string,
      value: (group: StoredFlowGroup) => number | null,
    ) =>
      new Gauge({
        name,
        help,
        labelNames: ['group'],
        registers: [metrics.registry],
        collect: async function () {
          this.reset();
          for (const group of await read()) {
            const current = value(group);
            if (current !== null) {
              this.set({ group: group.name }, current);
            }
          }
        },
      });
    perGroup(
      'triggerline_flow_group_first_attempts_24h',
      "First attempts of a flow group's triggers started in the last 24 hours",
      (group) => group.firstAttempts24h,
    );
    perGroup(
      'triggerline_flow_group_daily_watermark',
      "A flow group's daily watermark (groups with one)",
      (group) => group.dailyWatermark,
    );
    perGroup(
      'triggerline_flow_group_running_attempts',
      "Attempts of a flow group's triggers in flight",
      (group) => group.running,
    );
  }

  private read(): Promise<StoredFlowGroup[]> {
    this.pending ??= this.store
      .list()
      .finally(() => setTimeout(() => (this.pending = null), 100).unref());
    return this.pending;
  }
}
