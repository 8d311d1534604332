import { randomBytes } from 'node:crypto';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { QueryResultRow } from 'pg';
import { loadConfig } from '../../apps/api/src/config/config.module';
import { Database, type Rows, type Statement } from '../../apps/api/src/database/database';
import { DatabaseNotifications } from '../../apps/api/src/database/notifications';
import { DeadLettersStore } from '../../apps/api/src/dead-letters/dead-letters.store';
import { Completer } from '../../apps/api/src/dispatch/completer';
import { DispatchSignal } from '../../apps/api/src/dispatch/dispatch-signal';
import { Dispatcher } from '../../apps/api/src/dispatch/dispatcher.service';
import { ExecutionRunner } from '../../apps/api/src/dispatch/execution-runner';
import { ExecutionsStore } from '../../apps/api/src/executions/executions.store';
import { FlowStore } from '../../apps/api/src/flow/flow.store';
import { SecretBox } from '../../apps/api/src/secrets/secret-box';
import { Metrics } from '../../apps/api/src/metrics/metrics';
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

/** A fake clock for attempts and retry times: starts at `startMs`, advanced by hand. */
export class FakeClock {
  constructor(public nowMs: number) {}
  now = () => new Date(this.nowMs);
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

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
  const flow = new FlowStore(options.database);
  const executions = new ExecutionsStore(options.database, flow);
  const deadLetters = new DeadLettersStore(options.database, executions);
  const signal = new DispatchSignal();
  const completer = new Completer(executions, config);
  const runner = new ExecutionRunner(
    options.database,
    executions,
    deadLetters,
    completer,
    new Metrics(db.dataSource),
    new SecretBox(randomBytes(32)),
    flow,
    signal,
    config,
  );
  runner.now = options.clock.now;
  runner.random = () => 0;
  const scheduler = new SchedulerRegistry();
  const dispatcher = new Dispatcher(
    config,
    executions,
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
