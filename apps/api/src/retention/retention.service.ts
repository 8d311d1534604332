import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { OperatorVerbsStore } from '../executions/operator-verbs.store';
import { schedulePeriodicJob } from '../scheduling/periodic-job';

const RETENTION_JOB = 'retention';
const RETENTION_INTERVAL_MS = 3_600_000;
// Also shortly after start: processes redeployed more often than hourly would never purge.
const FIRST_RUN_DELAY_MS = 30_000;
const BATCH_SIZE = 500;

/**
 * Hourly, in small batches that skip rows other processes hold: deletes executions finished
 * more than EXECUTION_RETENTION_DAYS ago (0 keeps them) that nothing waits for any more, and
 * resolved dead letters older than DEAD_LETTER_RETENTION_DAYS with their executions. Each
 * execution goes with its attempts, payload and duplicate records.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly executions: OperatorVerbsStore,
    private readonly config: AppConfig,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    schedulePeriodicJob(this.scheduler, this.logger, {
      name: RETENTION_JOB,
      failureEvt: 'retention_failed',
      everyMs: RETENTION_INTERVAL_MS,
      firstRunAfterMs: FIRST_RUN_DELAY_MS,
      run: () => this.purge(),
    });
  }

  /** Answers how many executions were deleted. */
  async purge(): Promise<number> {
    const finished =
      this.config.executionRetentionDays === 0
        ? 0
        : await inBatches((limit) =>
            this.executions.deleteFinished({
              olderThanDays: this.config.executionRetentionDays,
              limit,
            }),
          );
    const deadLettered = await inBatches((limit) =>
      this.executions.deleteWithResolvedDeadLetters({
        olderThanDays: this.config.deadLetterRetentionDays,
        limit,
      }),
    );
    if (finished + deadLettered > 0) {
      this.logger.log({ evt: 'retention_purged', executions: finished, deadLetters: deadLettered });
    }
    return finished + deadLettered;
  }
}

// Short transactions: each batch commits before the next starts.
async function inBatches(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const affected = await deleteBatch(BATCH_SIZE);
    deleted += affected;
    if (affected < BATCH_SIZE) {
      return deleted;
    }
  }
}
