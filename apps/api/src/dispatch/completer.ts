import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppConfig } from '../config/app-config';
import { CompletionsStore } from '../executions/completions.store';
import type { Completion } from '../executions/engine-types';

// Completions arriving within this window share one statement (River's BatchCompleter and
// graphile-worker's completeJobs batch the same way); a batch in flight gathers the next.
const BATCH_WINDOW_MS = 2;
const MAX_BATCH = 200;
const FIRST_RETRY_MS = 50;
const MAX_RETRY_MS = 5_000;

interface Waiting {
  completion: Completion;
  resolve(isRecorded: boolean): void;
  reject(error: unknown): void;
}

/**
 * Writes the outcome of attempts: many at once, in one statement per batch, retried with
 * backoff when the write fails. Until an execution's outcome is written its lease is renewed
 * with the ones in flight (see `heldIds`), so a brief outage does not let it lapse.
 */
@Injectable()
export class Completer {
  private readonly logger = new Logger('Dispatch');
  private queue: Waiting[] = [];
  private readonly held = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly completions: CompletionsStore,
    private readonly config: AppConfig,
  ) {}

  /** Answers true once written, false when the lease was lost (nothing written). */
  complete(completion: Completion): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ completion, resolve, reject });
      this.held.add(completion.executionId);
      if (this.flushing === null) {
        this.scheduleFlush(); // else the batch in flight takes this one next
      }
    });
  }

  private scheduleFlush(): void {
    this.timer ??= setTimeout(() => void this.flush(), BATCH_WINDOW_MS);
  }

  /** Executions whose outcome is not written yet: their leases must still be renewed. */
  heldIds(): string[] {
    return [...this.held];
  }

  /** Writes everything queued now; used at shutdown. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing !== null) {
      await this.flush();
    }
  }

  private flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushing ??= this.writeQueue().finally(() => {
      this.flushing = null;
      if (this.queue.length > 0) {
        this.scheduleFlush(); // queued after the last batch was taken
      }
    });
    return this.flushing;
  }

  private async writeQueue(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        const recorded = await writeWithRetry({
          write: () => this.completions.complete(batch.map((waiting) => waiting.completion)),
          giveUpAfterMs: this.config.leaseMs,
          onFailure: (error, retryInMs) =>
            this.logger.warn({
              evt: 'completion_write_failed',
              executions: batch.length,
              retryInMs,
              error: (error as Error).message,
            }),
        });
        for (const waiting of batch) {
          waiting.resolve(recorded.has(waiting.completion.executionId));
        }
      } catch (error) {
        // The lease lapses and another attempt (here or elsewhere) picks the execution up.
        for (const waiting of batch) {
          waiting.reject(error);
        }
      } finally {
        for (const waiting of batch) {
          this.held.delete(waiting.completion.executionId);
        }
      }
    }
  }
}

/**
 * Runs `write` until it succeeds, waiting 50 ms, 100 ms, ... up to 5 s between tries; gives up
 * (throws the last error) once `giveUpAfterMs` have passed: by then the lease has lapsed
 * unless it was renewed, and another worker may run the attempt again.
 */
export async function writeWithRetry<T>(input: {
  write: () => Promise<T>;
  giveUpAfterMs: number;
  onFailure: (error: unknown, retryInMs: number) => void;
}): Promise<T> {
  const startedAt = Date.now();
  for (let failures = 0; ; failures++) {
    try {
      return await input.write();
    } catch (error) {
      const retryInMs = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** failures);
      if (Date.now() + retryInMs - startedAt > input.giveUpAfterMs) {
        throw error;
      }
      input.onFailure(error, retryInMs);
      await sleep(retryInMs);
    }
  }
}
