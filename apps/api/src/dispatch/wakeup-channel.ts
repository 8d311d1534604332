import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { Database, type Statement } from '../database/database';
import { DatabaseNotifications } from '../database/notifications';
import { WorkSignal } from '../executions/work-signal';

/** The channel on which workers hear that executions are due. */
export const WAKEUP_CHANNEL = 'triggerline_due';
// A burst of deliveries produces one NOTIFY per window, not one per webhook.
const COALESCE_MS = 20;

const NOTIFY: Statement = {
  name: 'wakeup_notify',
  text: `SELECT pg_notify('${WAKEUP_CHANNEL}', '')`,
};

/**
 * Tells workers in other processes that executions are due, with a coalesced NOTIFY sent
 * after the ingest transaction committed (a NOTIFY inside it would take a global lock at
 * commit and serialise ingestion).
 *
 * Never to itself: a worker in the same process is woken in-process by the WorkSignal.
 * A `ROLE=api` process always notifies (its workers are elsewhere); a `ROLE=all` or `worker`
 * process only while a worker of another process listens (DatabaseNotifications counts them
 * every 5 s), so a single process, the usual small setup, sends none. Nothing on the embedded
 * database: one process.
 */
@Injectable()
export class WakeupPublisher implements OnModuleInit {
  private isSending = false;
  private isRequestedAgain = false;

  constructor(
    private readonly config: AppConfig,
    private readonly database: Database,
    private readonly signal: WorkSignal,
    private readonly notifications: DatabaseNotifications,
  ) {}

  onModuleInit(): void {
    if (this.config.databaseUrl !== undefined) {
      this.signal.subscribe(() => {
        if (!this.config.runsWorker || this.notifications.hasOtherWorkers) {
          this.publish();
        }
      });
    }
  }

  private publish(): void {
    if (this.isSending) {
      this.isRequestedAgain = true;
      return;
    }
    this.isSending = true;
    this.database
      .run(NOTIFY)
      .catch(() => undefined) // workers still poll; a lost wake-up only costs latency
      .finally(() =>
        setTimeout(() => {
          this.isSending = false;
          if (this.isRequestedAgain) {
            this.isRequestedAgain = false;
            this.publish();
          }
        }, COALESCE_MS).unref(),
      );
  }
}
