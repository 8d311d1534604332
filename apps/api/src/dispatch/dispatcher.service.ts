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
import { ClaimsStore } from '../executions/claims.store';
import type { ClaimedExecution } from '../executions/engine-types';
import { WorkSignal } from '../executions/work-signal';
import { FlowGate } from '../flow/flow-gate';
import { Completer } from './completer';
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
 * Two modes, chosen by the last claim. While a backlog is known (the last claim came back
 * full), it also claims up to WORKER_CONCURRENCY executions ahead into a local queue, so a slot
 * that frees starts the next execution at once instead of waiting for a claim's round trip; it
 * claims again when the room in slots and queue reaches the low-water mark, half the
 * concurrency, or 10 ms after a slot freed with the queue empty, so each claim takes many rows;
 * wake-ups add nothing then. Rows of triggers with flow control are never queued (the claim
 * admits them for now). Otherwise it claims for the free slots only, on every wake-up with one
 * free: in-process from ingestion and replays, by NOTIFY from other processes, by a timer armed
 * for the next due time that the claim itself answers, and by a poll every
 * WORKER_POLL_INTERVAL_MS as a net; without a backlog nothing is claimed ahead, so an idle
 * worker elsewhere is never left without the work this one holds. Queued executions keep their
 * leases renewed, and are handed back unattempted at shutdown. Outcomes go to the Completer.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Dispatch');
  readonly workerId = createWorkerId();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Claimed ahead while a backlog is known; started as slots free. */
  private ready: ClaimedExecution[] = [];
  private readonly lowWater: number;
  /** The claims under way, one after another while there is room and work. */
  private fetching: Promise<void> | null = null;
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
    private readonly flowGate: FlowGate,
    private readonly claims: ClaimsStore,
    private readonly runner: ExecutionRunner,
    private readonly completer: Completer,
    private readonly signal: WorkSignal,
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
    this.logger.log({
      evt: 'worker_stopping',
      inFlight: this.inFlight.size,
      released: this.ready.length,
    });
    await this.fetching; // what a claim under way brings is queued, then handed back
    await this.releaseQueued();
    await Promise.allSettled(this.inFlight.values());
    await this.completer.drain();
    this.scheduler.deleteInterval(LEASE_RENEWAL_JOB);
  }

  /** Work may be due: claim when a slot is free, unless a known backlog is being worked off. */
  wake(): void {
    this.isWakeRequested = true;
    void this.fetch();
  }

  private freeSlots(): number {
    return this.config.workerConcurrency - this.inFlight.size;
  }

  /** Room for claimed executions: free slots, and the local queue's while a backlog is known. */
  private room(): number {
    const queue = this.isBacklogKnown ? this.config.workerConcurrency : 0;
    return this.freeSlots() + queue - this.ready.length;
  }

  private shouldFetch(): boolean {
    if (this.isStopping) {
      return false;
    }
    if (!this.isBacklogKnown) {
      return this.isWakeRequested && this.freeSlots() > 0;
    }
    const room = this.room();
    if (room <= 0) {
      return false;
    }
    if (room >= this.lowWater || this.isPartialFetchDue) {
      return true;
    }
    if (this.ready.length > 0) {
      return false; // the queue keeps the slots busy until the room reaches the low-water mark
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

  private fetch(): Promise<void> {
    if (this.fetching === null && this.shouldFetch()) {
      this.fetching = this.fetchWhileDue().finally(() => {
        this.fetching = null;
      });
    }
    return this.fetching ?? Promise.resolve();
  }

  private async fetchWhileDue(): Promise<void> {
    try {
      while (this.shouldFetch()) {
        const cooldown = this.lastFetchAt + FETCH_COOLDOWN_MS - Date.now();
        if (cooldown > 0) {
          await sleep(cooldown);
        }
        this.isWakeRequested = false;
        this.isPartialFetchDue = false;
        this.lastFetchAt = Date.now();
        const free = this.freeSlots();
        const { executions, nextDueAt, isMoreDue } = await this.flowGate.claim({
          limit: free,
          ahead: this.room() - free,
          workerId: this.workerId,
          leaseMs: this.config.leaseMs,
        });
        // Those that must start now come first (see Claim), and slots only free during a claim.
        for (const execution of executions) {
          if (this.freeSlots() > 0 && !this.isStopping) {
            this.start(execution);
          } else {
            this.ready.push(execution);
          }
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
    }
  }

  private start(execution: ClaimedExecution): void {
    // run() logs its own failures and never rejects.
    const run = this.runner.run(execution, this.workerId).then((dueAgainAt) => {
      this.inFlight.delete(execution.id);
      const next = this.isStopping ? undefined : this.ready.shift();
      if (next !== undefined) {
        this.start(next);
      }
      if (dueAgainAt !== null) {
        this.armNextDueTimer(dueAgainAt);
      }
      void this.fetch();
    });
    this.inFlight.set(execution.id, run);
  }

  /** Hands the local queue back, unattempted; a failure leaves the leases to lapse. */
  private async releaseQueued(): Promise<void> {
    const queued = this.ready;
    this.ready = [];
    try {
      await this.claims.release({ executions: queued, workerId: this.workerId });
    } catch (error) {
      this.logger.warn({
        evt: 'release_failed',
        executions: queued.length,
        error: (error as Error).message,
      });
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
      await this.claims.renewLeases({
        ids: [
          ...this.inFlight.keys(),
          ...this.ready.map((execution) => execution.id),
          ...this.completer.heldIds(),
        ],
        workerId: this.workerId,
        leaseMs: this.config.leaseMs,
      });
    } catch (error) {
      this.logger.warn({ evt: 'lease_renewal_failed', error: (error as Error).message });
    }
  }
}
