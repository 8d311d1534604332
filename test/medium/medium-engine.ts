import { randomBytes } from 'node:crypto';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { QueryResultRow } from 'pg';
import { loadConfig } from '../../apps/api/src/config/config.module';
import { Database, type Rows, type Statement } from '../../apps/api/src/database/database';
import { DatabaseNotifications } from '../../apps/api/src/database/notifications';
import { ReconciliationsStore } from '../../apps/api/src/executions/reconciliations.store';
import { DeadLettersStore } from '../../apps/api/src/executions/dead-letters.store';
import { Completer } from '../../apps/api/src/dispatch/completer';
import { WorkSignal } from '../../apps/api/src/executions/work-signal';
import { Dispatcher } from '../../apps/api/src/dispatch/dispatcher.service';
import { ExecutionRunner } from '../../apps/api/src/dispatch/execution-runner';
import { ClaimsStore } from '../../apps/api/src/executions/claims.store';
import { OrderingStore } from '../../apps/api/src/executions/ordering.store';
import { CompletionsStore } from '../../apps/api/src/executions/completions.store';
import { DeliveriesStore } from '../../apps/api/src/executions/deliveries.store';
import { FlowGate } from '../../apps/api/src/flow/flow-gate';
import { FlowStore } from '../../apps/api/src/flow/flow.store';
import { SecretBox } from '../../apps/api/src/secrets/secret-box';
import { Metrics } from '../../apps/api/src/metrics/metrics';
import type { Clock } from '../../apps/api/src/scheduling/clock';
import { NO_EGRESS_SETTINGS } from '../support/egress-env';
import type { MediumDatabase } from './medium-database';

/** The real database, counting the statements each store sends by name. */
export class CountingDatabase extends Database {
  readonly sent: string[] = [];

  override run<R extends QueryResultRow>(statement: Statement, values?: unknown[]) {
    this.sent.push(statement.name);
    return super.run<R>(statement, values);
  }

  count(name: string): number {
    return this.sent.filter((sent) => sent === name).length;
  }
}

export type { Rows };

/** A fake clock for attempts and retry times: starts at `nowMs`, advanced by hand; no jitter. */
export class FakeClock implements Clock {
  constructor(public nowMs: number) {}
  now = () => new Date(this.nowMs);
  random = () => 0;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** The engine's stores and flow gate on one database, wired as the app wires them. */
export function engineStores(database: Database, flow = new FlowStore(database)) {
  const deliveries = new DeliveriesStore(database);
  const claims = new ClaimsStore(database);
  return {
    deliveries,
    claims,
    completions: new CompletionsStore(database),
    deadLetters: new DeadLettersStore(database, deliveries),
    gate: new FlowGate(database, claims, flow, new OrderingStore(database)),
    flow,
    reconciliations: new ReconciliationsStore(database),
  };
}

export type EngineStores = ReturnType<typeof engineStores>;

/** One worker's engine (fetcher, runner, completer) on the medium database, without Nest. */
export interface MediumWorker {
  workerId: string;
  dispatcher: Dispatcher;
  runner: ExecutionRunner;
  completer: Completer;
  stop(): Promise<void>;
}

export function startWorker(
  db: MediumDatabase,
  options: { database: Database; clock: FakeClock; env?: Record<string, string> },
): MediumWorker {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: undefined,
    WORKER_POLL_INTERVAL_MS: '200',
    ...NO_EGRESS_SETTINGS,
    ...options.env,
  });
  const stores = engineStores(options.database);
  const signal = new WorkSignal();
  const completer = new Completer(stores.completions, config);
  const runner = new ExecutionRunner(
    options.database,
    stores.completions,
    stores.deadLetters,
    completer,
    new Metrics(db.dataSource),
    new SecretBox(randomBytes(32)),
    stores.gate,
    stores.flow,
    signal,
    config,
    options.clock,
    null,
    stores.reconciliations,
  );
  const scheduler = new SchedulerRegistry();
  const dispatcher = new Dispatcher(
    config,
    stores.gate,
    stores.claims,
    runner,
    completer,
    signal,
    new DatabaseNotifications(config),
    scheduler,
  );
  dispatcher.onApplicationBootstrap();
  return {
    workerId: dispatcher.workerId,
    dispatcher,
    runner,
    completer,
    stop: () => dispatcher.beforeApplicationShutdown(),
  };
}
