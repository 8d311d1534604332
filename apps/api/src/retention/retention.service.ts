import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { AuditLogStore } from '../access/audit-log.store';
import { OperatorVerbsStore } from '../executions/operator-verbs.store';
import { DeliveriesStore } from '../executions/deliveries.store';
import { RedrivesStore } from '../redrives/redrives.store';
import { DeliveryOutcomeCounts } from '../rejections/delivery-outcome-counts.store';
import { RejectionsStore } from '../rejections/rejections.store';
import { schedulePeriodicJob } from '../scheduling/periodic-job';
import { HourCountsStore } from '../stats/hour-counts.store';

const RETENTION_JOB = 'retention';
const RETENTION_INTERVAL_MS = 3_600_000;
// Also shortly after start: processes redeployed more often than hourly would never purge.
const FIRST_RUN_DELAY_MS = 30_000;
const BATCH_SIZE = 500;

/** How many rows one run of the retention job deleted. */
export interface Purged {
  /** Finished ones, and those of resolved dead letters. */
  executions: number;
  auditEntries: number;
  redrives: number;
  /** Refused deliveries older than REJECTION_RETENTION_DAYS. */
  rejections: number;
}

/**
 * Hourly, in small batches that skip rows other processes hold: deletes executions finished
 * more than EXECUTION_RETENTION_DAYS ago (0 keeps them) that nothing waits for any more, and
 * resolved dead letters older than DEAD_LETTER_RETENTION_DAYS with their executions. Each
 * execution goes with its attempts, payload and duplicate records. Also audit entries older
 * than AUDIT_RETENTION_DAYS, redrives finished more than EXECUTION_RETENTION_DAYS ago (0
 * keeps them), refused deliveries older than REJECTION_RETENTION_DAYS and hourly delivery
 * counts older than the stats' 90 days; and compacts the stats' hourly counters.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly executions: OperatorVerbsStore,
    private readonly deliveries: DeliveriesStore,
    private readonly auditLog: AuditLogStore,
    private readonly redrives: RedrivesStore,
    private readonly rejections: RejectionsStore,
    private readonly outcomeCounts: DeliveryOutcomeCounts,
    private readonly hourCounts: HourCountsStore,
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

  async purge(): Promise<Purged> {
    const executionDays = this.config.executionRetentionDays;
    const finished = await olderThan(executionDays, (query) =>
      this.executions.deleteFinished(query),
    );
    const deadLettered = await inBatches((limit) =>
      this.executions.deleteWithResolvedDeadLetters({
        olderThanDays: this.config.deadLetterRetentionDays,
        limit,
      }),
    );
    const purged: Purged = {
      executions: finished + deadLettered,
      auditEntries: await olderThan(this.config.auditRetentionDays, (query) =>
        this.auditLog.deleteOlderThan(query),
      ),
      redrives: await olderThan(executionDays, (query) => this.redrives.deleteFinished(query)),
      rejections: await olderThan(this.config.rejectionRetentionDays, (query) =>
        this.rejections.deleteOlderThan(query),
      ),
    };
    await this.outcomeCounts.purge();
    await this.hourCounts.compact();
    await this.deliveries.deleteRoutesWithoutExecutions();
    await this.deliveries.deletePayloadsWithoutExecutions();
    if (purged.executions + purged.auditEntries + purged.redrives + purged.rejections > 0) {
      this.logger.log({
        evt: 'retention_purged',
        executions: finished,
        deadLetters: deadLettered,
        auditEntries: purged.auditEntries,
        redrives: purged.redrives,
        rejections: purged.rejections,
      });
    }
    return purged;
  }
}

// Deletes in batches what is older than `days`; 0 days keeps everything.
async function olderThan(
  days: number,
  deleteBatch: (query: { olderThanDays: number; limit: number }) => Promise<number>,
): Promise<number> {
  return days === 0 ? 0 : inBatches((limit) => deleteBatch({ olderThanDays: days, limit }));
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
