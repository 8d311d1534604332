import { Module } from '@nestjs/common';
import { ExecutionStoresModule } from '../executions/execution-stores.module';
import { FlowGate } from './flow-gate';
import { FlowGroupMetrics } from './flow-group-metrics';
import { FlowGroupsStore } from './flow-groups.store';
import { FlowStore } from './flow.store';

/**
 * Flow control's tables (pause, release, circuits, flow groups) and its gate over the worker's
 * claims.
 */
@Module({
  imports: [ExecutionStoresModule],
  providers: [FlowStore, FlowGate, FlowGroupsStore, FlowGroupMetrics],
  exports: [FlowStore, FlowGate, FlowGroupsStore],
})
export class FlowModule {}
