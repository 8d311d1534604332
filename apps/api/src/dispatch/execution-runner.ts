import { Injectable, Logger } from '@nestjs/common';
import { Metrics } from '../metrics/metrics';
import { buildRequest } from './actions/build-request';
import {
  type AttemptResult,
  MAX_ERROR_LENGTH,
  sendRequest,
  truncate,
} from './actions/send-request';
import { decideTransition } from './decide-transition';
import { type ClaimedExecution, DispatchRepository, type Transition } from './dispatch.repository';

export const LOST_ATTEMPT_ERROR = 'Lease expired before the attempt was recorded (worker lost)';

/** Runs one claimed execution's attempt and records what happened. */
@Injectable()
export class ExecutionRunner {
  private readonly logger = new Logger('Dispatch');
  /** Injected for tests; real time and randomness otherwise. */
  now: () => Date = () => new Date();
  random: () => number = Math.random;

  constructor(
    private readonly repository: DispatchRepository,
    private readonly metrics: Metrics,
  ) {}

  async run(execution: ClaimedExecution, workerId: string): Promise<void> {
    try {
      if (execution.reclaimedFrom !== null) {
        await this.recordLostAttempt(execution);
      }
      if (execution.attempt > execution.retryPolicy.maxAttempts) {
        await this.deadLetterExhausted(execution, workerId);
        return;
      }
      const startedAt = this.now();
      const result = await this.attempt(execution, workerId);
      await this.record(execution, workerId, startedAt, result);
    } catch (error) {
      // The lease expires and another attempt (here or elsewhere) picks the execution up.
      this.logger.error({ evt: 'attempt_record_failed', executionId: execution.id, err: error });
    }
  }

  private async attempt(execution: ClaimedExecution, workerId: string): Promise<AttemptResult> {
    this.logger.log({
      evt: 'attempt_started',
      executionId: execution.id,
      trigger: execution.triggerSlug,
      attempt: execution.attempt,
      workerId,
    });
    const built = buildRequest(execution.action, execution.payload, {
      idempotencyKey: execution.idempotencyKey ?? execution.id,
      executionId: execution.id,
      attempt: execution.attempt,
    });
    if (!built.ok) {
      return {
        outcome: 'permanent',
        httpStatus: null,
        error: truncate(built.error, MAX_ERROR_LENGTH),
        responseExcerpt: null,
        retryAfterMs: null,
      };
    }
    return sendRequest(built.request, this.now);
  }

  private async record(
    execution: ClaimedExecution,
    workerId: string,
    startedAt: Date,
    result: AttemptResult,
  ): Promise<void> {
    const finishedAt = this.now();
    const transition = decideTransition({
      result,
      attempt: execution.attempt,
      policy: execution.retryPolicy,
      now: finishedAt,
      random: this.random,
      isHandler: execution.handlesDeadLetterId !== null,
    });
    const { isRecorded } = await this.repository.recordAttempt({
      executionId: execution.id,
      triggerSlug: execution.triggerSlug,
      handlesDeadLetterId: execution.handlesDeadLetterId,
      workerId,
      attemptCount: execution.attempt,
      attempt: { number: execution.attempt, workerId, startedAt, finishedAt, ...result },
      transition,
    });
    if (!isRecorded) {
      this.logger.warn({
        evt: 'lease_lost',
        executionId: execution.id,
        attempt: execution.attempt,
      });
      return;
    }
    this.metrics.attempts.inc({ outcome: result.outcome });
    if (transition.status === 'dead_lettered' && transition.deadLetter) {
      this.metrics.deadLetters.inc();
    }
    this.logOutcome(execution, result, transition, finishedAt.getTime() - startedAt.getTime());
  }

  private logOutcome(
    execution: ClaimedExecution,
    result: AttemptResult,
    transition: Transition,
    durationMs: number,
  ): void {
    const fields = {
      executionId: execution.id,
      trigger: execution.triggerSlug,
      attempt: execution.attempt,
      httpStatus: result.httpStatus,
      durationMs,
    };
    if (transition.status === 'succeeded') {
      this.logger.log({ evt: 'attempt_succeeded', ...fields });
      return;
    }
    this.logger.warn({
      evt: 'attempt_failed',
      ...fields,
      category: transition.category,
      error: transition.error,
      nextAttemptAt:
        transition.status === 'failed_retryable' ? transition.dueAt.toISOString() : null,
    });
    if (transition.status === 'dead_lettered') {
      this.logger.warn({
        evt: 'execution_dead_lettered',
        executionId: execution.id,
        trigger: execution.triggerSlug,
        category: transition.category,
        attempts: execution.attempt,
      });
    }
  }

  // A worker died with the last allowed attempt in flight: that attempt counts, none is left.
  private async deadLetterExhausted(execution: ClaimedExecution, workerId: string): Promise<void> {
    const transition: Transition = {
      status: 'dead_lettered',
      error: LOST_ATTEMPT_ERROR,
      category: 'transient',
      deadLetter: execution.handlesDeadLetterId === null,
    };
    const { isRecorded } = await this.repository.recordAttempt({
      executionId: execution.id,
      triggerSlug: execution.triggerSlug,
      handlesDeadLetterId: execution.handlesDeadLetterId,
      workerId,
      attemptCount: execution.attempt - 1,
      attempt: null,
      transition,
    });
    if (isRecorded && transition.deadLetter) {
      this.metrics.deadLetters.inc();
      this.logger.warn({
        evt: 'execution_dead_lettered',
        executionId: execution.id,
        trigger: execution.triggerSlug,
        category: 'transient',
        attempts: execution.attempt - 1,
      });
    }
  }

  private async recordLostAttempt(execution: ClaimedExecution): Promise<void> {
    const { workerId, claimedAt } = execution.reclaimedFrom!;
    this.logger.warn({
      evt: 'lease_reclaimed',
      executionId: execution.id,
      previousWorkerId: workerId,
      lostAttempt: execution.attempt - 1,
    });
    await this.repository.recordLostAttempt(execution.id, {
      number: execution.attempt - 1,
      workerId: workerId ?? 'unknown',
      startedAt: claimedAt,
      finishedAt: this.now(),
      outcome: 'transient',
      httpStatus: null,
      error: LOST_ATTEMPT_ERROR,
      responseExcerpt: null,
    });
  }
}
