import { setTimeout as sleep } from 'node:timers/promises';
import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { DeadLettersStore } from '../executions/dead-letters.store';
import { OperatorVerbsStore } from '../executions/operator-verbs.store';
import { WorkSignal } from '../executions/work-signal';
import { createWorkerId } from '../dispatch/worker-id';
import { ReplayService } from '../executions/replay.service';
import { Metrics } from '../metrics/metrics';
import { schedulePeriodicJob } from '../scheduling/periodic-job';
import { pauseAfterBatch, redriveBatchSize } from './redrive-pacing';
import { type RedriveProgress, RedrivesStore } from './redrives.store';

const POLL_JOB = 'redrives-poll';
const POLL_INTERVAL_MS = 1000;
/** Redrives one process works at once; more wait for the next free slot or another process. */
const MAX_ACTIVE = 4;

type BatchResult =
  | { kind: 'advanced'; replayed: number; items: number; ratePerSecond: number }
  | { kind: 'done' }
  | { kind: 'stopped' };

/**
 * Works running redrives in this process: claims one nobody holds (or whose holder stopped
 * renewing its lease), then replays it batch by batch at its rate until it is done, cancelled
 * or taken over. Runs in every process that serves the API (ROLE api or all).
 */
@Injectable()
export class RedriveRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Redrives');
  private readonly owner = createWorkerId();
  private readonly active = new Map<string, Promise<void>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly store: RedrivesStore,
    private readonly deadLetters: DeadLettersStore,
    private readonly executions: OperatorVerbsStore,
    private readonly replays: ReplayService,
    private readonly database: Database,
    private readonly config: AppConfig,
    private readonly signal: WorkSignal,
    private readonly metrics: Metrics,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    schedulePeriodicJob(this.scheduler, this.logger, {
      name: POLL_JOB,
      failureEvt: 'redrive_poll_failed',
      everyMs: POLL_INTERVAL_MS,
      firstRunAfterMs: 0,
      run: () => this.pickUp(),
    });
  }

  /** Starts work on a new redrive now rather than at the next poll. */
  wake(): void {
    this.pickUp().catch((error: unknown) =>
      this.logger.warn({ evt: 'redrive_poll_failed', error: (error as Error).message }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled(this.active.values());
    await this.store.release(this.owner).catch(() => undefined);
  }

  private async pickUp(): Promise<void> {
    while (!this.stopping.signal.aborted && this.active.size < MAX_ACTIVE) {
      const id = await this.store.claim(this.owner, this.config.leaseMs);
      if (id === null) {
        return;
      }
      if (this.active.has(id)) {
        // Our own lease ran out during a slow batch and we took it again: one loop is enough
        // (the cursor check of each batch keeps even two loops from replaying anything twice).
        continue;
      }
      this.logger.log({ evt: 'redrive_claimed', redriveId: id });
      const work = this.work(id)
        .catch((error: unknown) =>
          // The lease runs out and this or another process picks the redrive up again.
          this.logger.warn({
            evt: 'redrive_failed',
            redriveId: id,
            error: (error as Error).message,
          }),
        )
        .finally(() => this.active.delete(id));
      this.active.set(id, work);
    }
  }

  private async work(id: string): Promise<void> {
    while (!this.stopping.signal.aborted) {
      const startedAt = Date.now();
      const result = await this.replayBatch(id);
      if (result.kind === 'stopped') {
        return;
      }
      if (result.kind === 'done') {
        this.metrics.redrivesFinished.inc({ status: 'done' });
        this.logger.log({ evt: 'redrive_done', redriveId: id });
        return;
      }
      this.metrics.redriveReplays.inc(result.replayed);
      if (result.replayed > 0) {
        this.signal.executionsAvailable();
      }
      const pause = pauseAfterBatch({
        ratePerSecond: result.ratePerSecond,
        items: result.items,
        elapsedMs: Date.now() - startedAt,
      });
      await sleep(pause, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    }
  }

  /** The next batch after the cursor: `id` is the cursor's key, `executionId` what is replayed. */
  private async nextBatch(
    redrive: RedriveProgress,
  ): Promise<{ id: string; executionId: string }[]> {
    const { filter } = redrive;
    const size = redriveBatchSize(redrive.ratePerSecond);
    if (filter.source === 'executions') {
      const rows = await this.executions.nextHistoryBatch(
        {
          triggerId: filter.triggerId,
          status: filter.status,
          idempotencyKey: filter.idempotencyKey,
          from: filter.from,
          to: filter.to,
          asOf: redrive.asOf,
        },
        redrive.cursor,
        size,
      );
      return rows.map((row) => ({ id: row.id, executionId: row.id }));
    }
    return this.deadLetters.nextBatch(
      { ...redrive.filter, asOf: redrive.asOf },
      redrive.cursor,
      size,
    );
  }

  /**
   * One batch in one transaction: the replays, the cursor and the counts commit together. The
   * batch is read before the transaction, which then checks the cursor has not moved: the
   * transaction never waits for a second connection (the embedded database has only one).
   */
  private async replayBatch(id: string): Promise<BatchResult> {
    const seen = await this.store.findOwned(id, this.owner);
    if (seen === null) {
      return { kind: 'stopped' }; // cancelled, or taken over after our lease ran out
    }
    const batch = await this.nextBatch(seen);
    return this.database.transaction(async (sql): Promise<BatchResult> => {
      const redrive = await this.store.lockOwned(sql, id, this.owner);
      if (redrive === null) {
        return { kind: 'stopped' };
      }
      if (redrive.cursor !== seen.cursor) {
        // Another process advanced it between our read and our lock: read again.
        return { kind: 'advanced', replayed: 0, items: 0, ratePerSecond: redrive.ratePerSecond };
      }
      if (batch.length === 0) {
        await this.store.finish(sql, id);
        return { kind: 'done' };
      }
      let replayed = 0;
      const { source, targetTriggerId } = redrive.filter;
      for (const item of batch) {
        const outcome =
          source === 'executions'
            ? await this.replays.copyWithin(sql, {
                executionId: item.executionId,
                targetTriggerId: targetTriggerId ?? null,
              })
            : await this.replays.replayWithin(sql, item.executionId);
        if (outcome.kind === 'replayed') {
          replayed++;
        }
      }
      await this.store.advance(sql, {
        id,
        cursor: batch[batch.length - 1].id,
        replayed,
        skipped: batch.length - replayed,
        leaseMs: this.config.leaseMs,
      });
      return {
        kind: 'advanced',
        replayed,
        items: batch.length,
        ratePerSecond: redrive.ratePerSecond,
      };
    });
  }
}
