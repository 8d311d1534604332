import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';
import { isDatabaseUnavailable } from '../database/database-errors';
import { DatabaseNotifications } from '../database/notifications';
import { ExecutionsStore } from '../executions/executions.store';
import { Completer } from './completer';
import { DispatchSignal } from './dispatch-signal';
import { ExecutionRunner } from './execution-runner';
import { WAKEUP_CHANNEL } from './wakeup-channel';
import { createWorkerId } from './worker-id';

const POLL_JOB = 'dispatch-poll';
const LEASE_RENEWAL_JOB = 'dispatch-lease-renewal';
// Wake-ups closer together than this share one claim (a burst of deliveries, NOTIFYs).
const FETCH_COOLDOWN_MS = 2;
const PARTIAL_FETCH_DELAY_MS = 10;

/**
 * The worker's fetcher (graphile-worker's local queue, River's producer): claims due executions
 * in batches and runs up to WORKER_CONCURRENCY at once.
 *
 * Two modes, chosen by the last claim. While a backlog is known (the last claim filled every
 * free slot), it claims again when free slots reach the low-water mark, half the concurrency,
 * or 10 ms after a slot freed, so each claim takes many rows; wake-ups add nothing then. Otherwise it claims
 * on every wake-up with a slot free: in-process from ingestion and replays, by NOTIFY from
 * other processes, by a timer armed for the next due time that the claim itself answers, and by
 * a poll every WORKER_POLL_INTERVAL_MS as a net. Outcomes go to the Completer.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Dispatch');
  readonly workerId = createWorkerId();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly lowWater: number;
  private isFetching = false;
  private isWakeRequested = false;
  private isBacklogKnown = false;
  private isPartialFetchDue = false;
  private partialFetchTimer: NodeJS.Timeout | null = null;
  private isStopping = false;
  private lastFetchAt = 0;
  private nextDueTimer: NodeJS.Timeout | null = null;
  private nextDueTimerAt = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly executions: ExecutionsStore,
    private readonly runner: ExecutionRunner,
    private readonly completer: Completer,
    private readonly signal: DispatchSignal,
    private readonly notifications: DatabaseNotifications,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.lowWater = Math.max(1, Math.ceil(config.workerConcurrency / 2));
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.signal.subscribe(() => this.wake());
    this.notifications.listen(WAKEUP_CHANNEL, () => this.wake());
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

  /** Stops claiming, lets the attempts in flight finish (each within its timeout), writes them. */
  async beforeApplicationShutdown(): Promise<void> {
    this.isStopping = true;
    this.unsubscribe?.();
    this.scheduler.deleteInterval(POLL_JOB);
    for (const timer of [this.nextDueTimer, this.partialFetchTimer]) {
      if (timer !== null) {
        clearTimeout(timer);
      }
    }
    this.logger.log({ evt: 'worker_stopping', inFlight: this.inFlight.size });
    await Promise.allSettled(this.inFlight.values());
    await this.completer.drain();
    this.scheduler.deleteInterval(LEASE_RENEWAL_JOB);
  }

  /** Work may be due: claim when a slot is free, unless a known backlog is being worked off. */
  wake(): void {
    this.isWakeRequested = true;
    void this.fetch();
  }

  private shouldFetch(): boolean {
    const free = this.config.workerConcurrency - this.inFlight.size;
    if (this.isStopping || free <= 0) {
      return false;
    }
    if (!this.isBacklogKnown) {
      return this.isWakeRequested;
    }
    if (free >= this.lowWater || this.isPartialFetchDue) {
      return true;
    }
    // Below the low-water mark: claim what is free a little later, so that a few long calls
    // holding the other slots never leave these idle.
    this.partialFetchTimer ??= setTimeout(() => {
      this.partialFetchTimer = null;
      this.isPartialFetchDue = true;
      void this.fetch();
    }, PARTIAL_FETCH_DELAY_MS);
    return false;
  }

  private async fetch(): Promise<void> {
    if (this.isFetching || !this.shouldFetch()) {
      return;
    }
    this.isFetching = true;
    try {
      while (this.shouldFetch()) {
        const cooldown = this.lastFetchAt + FETCH_COOLDOWN_MS - Date.now();
        if (cooldown > 0) {
          await sleep(cooldown);
        }
        this.isWakeRequested = false;
        this.isPartialFetchDue = false;
        this.lastFetchAt = Date.now();
        const free = this.config.workerConcurrency - this.inFlight.size;
        const { executions, nextDueAt, isMoreDue } = await this.executions.claim({
          limit: free,
          workerId: this.workerId,
          leaseMs: this.config.leaseMs,
        });
        for (const execution of executions) {
          // run() logs its own failures and never rejects.
          const run = this.runner.run(execution, this.workerId).then((dueAgainAt) => {
            this.inFlight.delete(execution.id);
            if (dueAgainAt !== null) {
              this.armNextDueTimer(dueAgainAt);
            }
            void this.fetch();
          });
          this.inFlight.set(execution.id, run);
        }
        // Full, or some were held (flow control): another claim would find more.
        this.isBacklogKnown = isMoreDue;
        if (!this.isBacklogKnown) {
          this.armNextDueTimer(nextDueAt);
        }
      }
    } catch (error) {
      // A database outage pauses the worker; the poll resumes it once the database is back.
      this.isBacklogKnown = false;
      this.logger.warn({
        evt: isDatabaseUnavailable(error) ? 'worker_paused_database_unavailable' : 'claim_failed',
        error: (error as Error).message,
      });
    } finally {
      this.isFetching = false;
    }
  }

  // Retries fall due between polls: wake exactly then rather than up to a poll period late.
  // A timer already armed for an earlier time stays: it may know of a retry not written yet.
  private armNextDueTimer(nextDueAt: Date | null): void {
    if (nextDueAt === null || this.isStopping) {
      return;
    }
    const at = nextDueAt.getTime();
    if (at - Date.now() >= this.config.workerPollIntervalMs) {
      return;
    }
    if (this.nextDueTimer !== null) {
      if (this.nextDueTimerAt <= at) {
        return;
      }
      clearTimeout(this.nextDueTimer);
    }
    this.nextDueTimerAt = at;
    this.nextDueTimer = setTimeout(
      () => {
        this.nextDueTimer = null;
        this.wake();
      },
      Math.max(0, at - Date.now()) + 5,
    );
  }

  private async renewLeases(): Promise<void> {
    try {
      await this.executions.renewLeases({
        ids: [...this.inFlight.keys(), ...this.completer.heldIds()],
        workerId: this.workerId,
        leaseMs: this.config.leaseMs,
      });
    } catch (error) {
      this.logger.warn({ evt: 'lease_renewal_failed', error: (error as Error).message });
    }
  }
}
