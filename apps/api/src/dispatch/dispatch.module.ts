import { Module } from '@nestjs/common';
import { ExecutionStoresModule } from '../executions/execution-stores.module';
import { FlowModule } from '../flow/flow.module';
import { Clock } from '../scheduling/clock';
import { Completer } from './completer';
import { Dispatcher } from './dispatcher.service';
import { ExecutionRunner } from './execution-runner';
import { TracingModule } from '../tracing/tracing.module';
import { Reconciler } from './reconciler';

/** The worker: loaded only when ROLE is `worker` or `all`. */
@Module({
  imports: [ExecutionStoresModule, FlowModule, TracingModule],
  providers: [Dispatcher, ExecutionRunner, Completer, Reconciler, Clock],
})
export class DispatchModule {}
