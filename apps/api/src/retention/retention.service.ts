import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { schedulePeriodicJob } from '../scheduling/periodic-job';

const RETENTION_JOB = 'retention';
const RETENTION_INTERVAL_MS = 3_600_000;
// Also shortly after start: processes redeployed more often than hourly would never purge.
const FIRST_RUN_DELAY_MS = 30_000;
const BATCH_SIZE = 500;
// Stats windows reach back 90 days; older duplicate counts serve nothing.
const DUPLICATE_RETENTION_DAYS = 90;

/**
 * Deletes resolved dead letters older than DEAD_LETTER_RETENTION_DAYS together with their
 * executions, hourly, in small batches that skip rows other processes hold.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly dataSource: DataSource,
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

  /** Answers how many dead letters (with their executions) were deleted. */
  async purge(): Promise<number> {
    let deleted = 0;
    for (;;) {
      // Deleting the execution cascades to its dead letter, attempts and payload.
      const [, affected]: [unknown, number] = await this.dataSource.query(
        `WITH old AS (
           SELECT execution_id FROM dead_letters
           WHERE resolved_at IS NOT NULL AND created_at < now() - $1 * interval '1 day'
           LIMIT $2
           FOR UPDATE SKIP LOCKED
         )
         DELETE FROM executions WHERE id IN (SELECT execution_id FROM old)`,
        [this.config.deadLetterRetentionDays, BATCH_SIZE],
      );
      deleted += affected;
      if (affected < BATCH_SIZE) {
        break;
      }
    }
    await this.dataSource.query(
      `DELETE FROM duplicate_deliveries WHERE received_at < now() - $1 * interval '1 day'`,
      [DUPLICATE_RETENTION_DAYS],
    );
    if (deleted > 0) {
      this.logger.log({ evt: 'retention_purged', deadLetters: deleted });
    }
    return deleted;
  }
}
