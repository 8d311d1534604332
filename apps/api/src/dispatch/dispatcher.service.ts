import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { isDatabaseUnavailable } from '../database/database-errors';
import { DispatchSignal } from './dispatch-signal';
import { DispatchRepository } from './dispatch.repository';
import { ExecutionRunner } from './execution-runner';
import { WakeupListener } from './wakeup-channel';
import { createWorkerId } from './worker-id';

const POLL_JOB = 'dispatch-poll';
const LEASE_RENEWAL_JOB = 'dispatch-lease-renewal';

/**
 * The scheduled retry service: claims due executions in batches and runs up to
 * WORKER_CONCURRENCY at once. Woken in-process by ingestion, across processes by NOTIFY, by a
 * timer armed for the next due retry, and by a poll every WORKER_POLL_INTERVAL_MS as a net.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Dispatch');
  readonly workerId = createWorkerId();
  private readonly inFlight = new Map<string, Promise<void>>();
  private isClaiming = false;
  private isWakeRequested = false;
  private isStopping = false;
  private nextDueTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: DispatchRepository,
    private readonly runner: ExecutionRunner,
    private readonly signal: DispatchSignal,
    private readonly listener: WakeupListener,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.signal.subscribe(() => this.wake());
    this.listener.start(() => this.wake());
    this.scheduler.addInterval(
      POLL_JOB,
      setInterval(() => this.wake(), this.config.workerPollIntervalMs),
    );
    this.scheduler.addInterval(
      LEASE_RENEWAL_JOB,
      setInterval(() => void this.renewLeases(), Math.max(500, this.config.leaseMs / 3)),
    );
    this.logger.log({ evt: 'worker_started', workerId: this.workerId });
    this.wake();
  }

  /** Stops claiming and lets the attempts in flight finish (each within its timeout). */
  async beforeApplicationShutdown(): Promise<void> {
    this.isStopping = true;
    this.unsubscribe?.();
    this.scheduler.deleteInterval(POLL_JOB);
    if (this.nextDueTimer !== null) {
      clearTimeout(this.nextDueTimer);
    }
    this.logger.log({ evt: 'worker_stopping', inFlight: this.inFlight.size });
    await Promise.allSettled(this.inFlight.values());
    this.scheduler.deleteInterval(LEASE_RENEWAL_JOB);
  }

  wake(): void {
    if (this.isStopping) {
      return;
    }
    this.isWakeRequested = true;
    if (!this.isClaiming) {
      void this.claimLoop();
    }
  }

  private async claimLoop(): Promise<void> {
    this.isClaiming = true;
    try {
      while (this.isWakeRequested && !this.isStopping) {
        this.isWakeRequested = false;
        const free = this.config.workerConcurrency - this.inFlight.size;
        if (free <= 0) {
          return; // a finishing execution wakes us again
        }
        const claimed = await this.repository.claimDue({
          limit: free,
          workerId: this.workerId,
          leaseMs: this.config.leaseMs,
        });
        for (const execution of claimed) {
          const run = this.runner.run(execution, this.workerId).finally(() => {
            this.inFlight.delete(execution.id);
            this.wake();
          });
          this.inFlight.set(execution.id, run);
        }
        if (claimed.length === free) {
          this.isWakeRequested = true; // probably more are due
        } else {
          await this.armNextDueTimer();
        }
      }
    } catch (error) {
      // A database outage pauses the worker; the poll resumes it once the database is back.
      this.logger.warn({
        evt: isDatabaseUnavailable(error) ? 'worker_paused_database_unavailable' : 'claim_failed',
        error: (error as Error).message,
      });
    } finally {
      this.isClaiming = false;
    }
  }

  // Retries fall due between polls: wake exactly then rather than up to a poll period late.
  private async armNextDueTimer(): Promise<void> {
    const nextDueAt = await this.repository.nextDueAt();
    if (this.nextDueTimer !== null) {
      clearTimeout(this.nextDueTimer);
      this.nextDueTimer = null;
    }
    if (nextDueAt === null || this.isStopping) {
      return;
    }
    const delay = nextDueAt.getTime() - Date.now();
    if (delay < this.config.workerPollIntervalMs) {
      this.nextDueTimer = setTimeout(() => this.wake(), Math.max(0, delay) + 5);
    }
  }

  private async renewLeases(): Promise<void> {
    try {
      await this.repository.renewLeases({
        ids: [...this.inFlight.keys()],
        workerId: this.workerId,
        leaseMs: this.config.leaseMs,
      });
    } catch (error) {
      this.logger.warn({ evt: 'lease_renewal_failed', error: (error as Error).message });
    }
  }
}
