import { Global, Module } from '@nestjs/common';
import { DeadLettersStore } from '../dead-letters/dead-letters.store';
import { ExecutionsStore } from '../executions/executions.store';

/** The owners of the execution tables, shared by the API and the worker of any role. */
@Global()
@Module({
  providers: [ExecutionsStore, DeadLettersStore],
  exports: [ExecutionsStore, DeadLettersStore],
})
export class StoresModule {}
