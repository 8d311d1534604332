import type { Logger } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';

export interface PeriodicJob {
  /** Name in the scheduler; a failure is logged as `evt: failureEvt`. */
  name: string;
  failureEvt: string;
  everyMs: number;
  /** A first run this soon after start, before the first period has passed. */
  firstRunAfterMs?: number;
  run(): Promise<unknown>;
}

/**
 * Runs a background job on a timer owned by the scheduler (cleared at shutdown): never two
 * runs at once, and a failed run is logged and tried again at the next tick.
 */
export function schedulePeriodicJob(
  scheduler: SchedulerRegistry,
  logger: Logger,
  job: PeriodicJob,
): void {
  let isRunning = false;
  const tick = async () => {
    if (isRunning) {
      return;
    }
    isRunning = true;
    try {
      await job.run();
    } catch (error) {
      logger.warn({ evt: job.failureEvt, error: (error as Error).message });
    } finally {
      isRunning = false;
    }
  };
  scheduler.addInterval(
    job.name,
    setInterval(() => void tick(), job.everyMs),
  );
  if (job.firstRunAfterMs !== undefined) {
    scheduler.addTimeout(
      `${job.name}-first-run`,
      setTimeout(() => void tick(), job.firstRunAfterMs).unref(),
    );
  }
}
