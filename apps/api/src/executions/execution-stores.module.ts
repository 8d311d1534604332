import { Module } from '@nestjs/common';
import { ClaimsStore } from './claims.store';
import { CompletionsStore } from './completions.store';
import { DeadLettersStore } from './dead-letters.store';
import { DeliveriesStore } from './deliveries.store';
import { ForwardedHeadersResealer } from './forwarded-headers-resealer';
import { OperatorVerbsStore } from './operator-verbs.store';
import { ReconciliationsStore } from './reconciliations.store';
import { OrderingStore } from './ordering.store';
import { WorkSignal } from './work-signal';

const STORES = [
  DeliveriesStore,
  ClaimsStore,
  CompletionsStore,
  OperatorVerbsStore,
  DeadLettersStore,
  ReconciliationsStore,
  OrderingStore,
  WorkSignal,
];

/**
 * The only writers of the execution tables (`executions`, `execution_payloads`, `attempts`,
 * `duplicate_deliveries`, `dead_letters`), one store per phase of an execution's life, and the
 * signal that work is due; for the API and the worker alike. A store's methods that take `sql`
 * run in the caller's transaction, the others on the pool.
 */
@Module({ providers: [...STORES, ForwardedHeadersResealer], exports: STORES })
export class ExecutionStoresModule {}
