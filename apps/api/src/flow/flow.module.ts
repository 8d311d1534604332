import { Module } from '@nestjs/common';
import { ExecutionStoresModule } from '../executions/execution-stores.module';
import { FlowGate } from './flow-gate';
import { FlowStore } from './flow.store';

/** Flow control's tables (pause, release, circuits) and its gate over the worker's claims. */
@Module({
  imports: [ExecutionStoresModule],
  providers: [FlowStore, FlowGate],
  exports: [FlowStore, FlowGate],
})
export class FlowModule {}
