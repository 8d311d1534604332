import { Global, Module } from '@nestjs/common';
import { DeadLettersStore } from '../executions/dead-letters.store';
import { ClaimsStore } from '../executions/claims.store';
import { CompletionsStore } from '../executions/completions.store';
import { DeliveriesStore } from '../executions/deliveries.store';
import { OperatorVerbsStore } from '../executions/operator-verbs.store';

/** The owners of the execution tables, shared by the API and the worker of any role. */
@Global()
@Module({
  providers: [DeliveriesStore, ClaimsStore, CompletionsStore, OperatorVerbsStore, DeadLettersStore],
  exports: [DeliveriesStore, ClaimsStore, CompletionsStore, OperatorVerbsStore, DeadLettersStore],
})
export class StoresModule {}
