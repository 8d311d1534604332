import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ClassificationRule } from '@triggerline/contracts';
import { AppConfig } from '../config/app-config';
import { Database, type Sql } from '../database/database';
import { EgressAgents } from '../egress/egress-agents';
import { CompletionsStore } from '../executions/completions.store';
import { DeadLettersStore } from '../executions/dead-letters.store';
import { ReconciliationsStore } from '../executions/reconciliations.store';
import type { AttemptRecord, ClaimedExecution, Transition } from '../executions/engine-types';
import type { TriggerFlowSettings } from '../executions/flow-settings';
import { WorkSignal } from '../executions/work-signal';
import { isFinished } from '../executions/execution-lifecycle';
import { openForwardedHeaders } from '../executions/forwarded-headers';
import { FlowGate, type FlowSettlement } from '../flow/flow-gate';
import { Metrics } from '../metrics/metrics';
import { Clock } from '../scheduling/clock';
import { SecretBox } from '../secrets/secret-box';
import { openAction } from '../triggers/trigger-secrets';
import type { StoredAction } from '../triggers/trigger.entity';
import { buildRequest } from './actions/build-request';
import { FlowStore } from '../flow/flow.store';
import { applyClassificationRules } from '../retry/apply-classification-rules';
import {
  type AttemptResult,
  MAX_ERROR_LENGTH,
  sendRequest,
  truncate,
} from './actions/send-request';
import { Completer, writeWithRetry } from './completer';
import { decideTransition } from './decide-transition';
import type { OutboundRequest } from './actions/outbound-request';
import { TRACING, type Tracing } from '../tracing/tracing';
import { eventIdOf } from './event-identity';
import { reconcileAfterMsOf } from './reconciler';

interface RecordedAttempt {
  isRecorded: boolean;
  flow: FlowSettlement | null;
  /** Dead-letter handler executions the dead-lettering started (due now). */
  startedHandlers: number;
}

interface AttemptToRecord {
  executionId: string;
  triggerSlug: string;
  /** Set for a dead-letter handler's execution: its outcome resolves that dead letter. */
  handlesDeadLetterId: string | null;
  workerId: string;
  /** Attempts made so far, this one included. */
  attemptCount: number;
  /** null when no attempt was made (its lost predecessor was the last one allowed). */
  attempt: AttemptRecord | null;
  transition: Transition;
  /** The trigger's flow control: its breaker counts the outcome, its held executions wake. */
  flow: TriggerFlowSettings | null;
  /** SPEC §15: an unknown outcome is asked about at the gateway after this; null: never. */
  reconcileAfterMs: number | null;
}

export const LOST_ATTEMPT_ERROR = 'Lease expired before the attempt was recorded (worker lost)';

/** Runs one claimed execution's attempt and records what happened. */
@Injectable()
export class ExecutionRunner implements OnApplicationShutdown {
  private readonly logger = new Logger('Dispatch');
  private readonly agents: EgressAgents;

  constructor(
    private readonly database: Database,
    private readonly completions: CompletionsStore,
    private readonly deadLetters: DeadLettersStore,
    private readonly completer: Completer,
    private readonly metrics: Metrics,
    private readonly box: SecretBox,
    private readonly flowGate: FlowGate,
    private readonly flowStore: FlowStore,
    private readonly signal: WorkSignal,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    @Inject(TRACING) private readonly tracing: Tracing | null,
    private readonly reconciliations: ReconciliationsStore,
  ) {
    this.agents = new EgressAgents(config.egress);
  }

  // After the dispatcher drained the attempts in flight (beforeApplicationShutdown).
  onApplicationShutdown(): void {
    this.agents.destroy();
  }

  /**
   * Makes the attempt and hands its outcome over for recording. Resolves once the worker's slot
   * is free again: a success or a retry of a trigger without flow control is then queued in the
   * completer (which keeps the lease until it is written); anything else is written before.
   * Answers when the execution falls due again if it was scheduled for a retry, so the worker
   * can wake then.
   */
  async run(execution: ClaimedExecution, workerId: string): Promise<Date | null> {
    try {
      if (execution.reclaimedFrom !== null) {
        if (execution.onUnknownOutcome === 'hold') {
          await this.holdLostAttempt(execution, workerId);
          return null;
        }
        await this.recordLostAttempt(execution);
      }
      if (execution.attempt > execution.retryPolicy.maxAttempts) {
        await this.deadLetterExhausted(execution, workerId);
        return null;
      }
      const startedAt = this.clock.now();
      const ruled = applyClassificationRules(
        await this.attempt(execution, workerId),
        execution.classificationRules,
      );
      if (ruled.pauseRule !== null) {
        // Before the attempt is recorded: its retry must find the trigger paused.
        await this.pauseByRule(execution, ruled.pauseRule);
      }
      const result = {
        ...ruled.result,
        error: ruled.result.error === null ? null : truncate(ruled.result.error, MAX_ERROR_LENGTH),
      };
      return await this.record(execution, workerId, startedAt, result);
    } catch (error) {
      this.logRecordFailed(execution, error);
      return null;
    }
  }

  private logRecordFailed(execution: ClaimedExecution, error: unknown): void {
    // The lease expires and another attempt (here or elsewhere) picks the execution up.
    this.logger.error({ evt: 'attempt_record_failed', executionId: execution.id, err: error });
  }

  private async attempt(execution: ClaimedExecution, workerId: string): Promise<AttemptResult> {
    this.logger.log({
      evt: 'attempt_started',
      executionId: execution.id,
      trigger: execution.triggerSlug,
      attempt: execution.attempt,
      workerId,
    });
    if (execution.action === null) {
      return {
        outcome: 'permanent',
        httpStatus: null,
        error: 'The trigger has no action (it is a pure router now)',
        responseExcerpt: null,
        retryAfterMs: null,
      };
    }
    let action: StoredAction;
    let receivedHeaders: Record<string, string>;
    try {
      action = openAction(execution.action, this.box, execution.triggerSlug);
      receivedHeaders = openForwardedHeaders(execution.received.headers, this.box);
    } catch (error) {
      // Nothing is sent with a secret the keys cannot open; retried as the operator fixes the key.
      return {
        outcome: 'transient',
        httpStatus: null,
        error: truncate(`secret_unavailable: ${(error as Error).message}`, MAX_ERROR_LENGTH),
        responseExcerpt: null,
        retryAfterMs: null,
      };
    }
    const built = buildRequest(
      action,
      execution.payload,
      {
        idempotencyKey: execution.idempotencyKey ?? execution.id,
        executionId: execution.id,
        attempt: execution.attempt,
        depth: execution.depth,
        webhookId: `msg_${execution.eventId}`,
        sentAt: this.clock.now(),
        event: {
          triggerId: execution.triggerId,
          eventId: await eventIdOf(this.database, execution),
        },
      },
      { rawBody: execution.received.rawBody, headers: receivedHeaders },
    );
    if (!built.ok) {
      return {
        outcome: 'permanent',
        httpStatus: null,
        error: truncate(built.error, MAX_ERROR_LENGTH),
        responseExcerpt: null,
        retryAfterMs: null,
      };
    }
    const send = (request: OutboundRequest) =>
      sendRequest(request, { agents: this.agents, now: () => this.clock.now() });
    // Tracing off: this comparison is all that an attempt pays for it.
    if (this.tracing === null) {
      return send(built.request);
    }
    return this.tracing.traceAttempt(
      {
        traceParent: execution.traceParent,
        executionId: execution.id,
        triggerSlug: execution.triggerSlug,
        attempt: execution.attempt,
        request: built.request,
      },
      (headers) => send({ ...built.request, headers }),
    );
  }

  private async pauseByRule(execution: ClaimedExecution, rule: ClassificationRule): Promise<void> {
    const at = this.clock.now().toISOString();
    if (await this.flowStore.pauseByRule(execution.triggerId, { rule, at })) {
      this.logger.warn({
        evt: 'trigger_paused',
        triggerId: execution.triggerId,
        trigger: execution.triggerSlug,
        executionId: execution.id,
        byRule: rule,
      });
    }
  }

  private async record(
    execution: ClaimedExecution,
    workerId: string,
    startedAt: Date,
    result: AttemptResult,
  ): Promise<Date | null> {
    const finishedAt = this.clock.now();
    const transition = decideTransition({
      result,
      attempt: execution.attempt,
      policy: execution.retryPolicy,
      onUnknownOutcome: execution.onUnknownOutcome,
      now: finishedAt,
      random: () => this.clock.random(),
      isHandler: execution.handlesDeadLetterId !== null,
    });
    const attempt = { number: execution.attempt, workerId, startedAt, finishedAt, ...result };
    const onRecorded = (isRecorded: boolean) => {
      if (!isRecorded) {
        this.logger.warn({ evt: 'lease_lost', executionId: execution.id, attempt: attempt.number });
        return;
      }
      this.metrics.attempts.inc({ outcome: result.outcome });
      if (transition.status === 'dead_lettered' && transition.deadLetter) {
        this.metrics.deadLetters.inc();
      }
      this.logOutcome(execution, result, transition, finishedAt.getTime() - startedAt.getTime());
    };
    const isHotPath =
      (transition.status === 'succeeded' || transition.status === 'failed_retryable') &&
      execution.handlesDeadLetterId === null &&
      execution.flow === null;
    if (isHotPath) {
      // Batched with other completions, written after this slot is freed.
      this.completer
        .complete({ executionId: execution.id, workerId, attempt, transition })
        .then(onRecorded)
        .catch((error: unknown) => this.logRecordFailed(execution, error));
      return transition.status === 'failed_retryable' ? transition.dueAt : null;
    }
    const recorded = await this.recordAttempt({
      executionId: execution.id,
      triggerSlug: execution.triggerSlug,
      handlesDeadLetterId: execution.handlesDeadLetterId,
      workerId,
      attemptCount: execution.attempt,
      attempt,
      transition,
      flow: execution.flow,
      reconcileAfterMs: reconcileAfterMsOf(execution.action),
    });
    this.reportFlow(execution, recorded);
    onRecorded(recorded.isRecorded);
    return transition.status === 'failed_retryable' ? transition.dueAt : null;
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
      // `unknown` (request sent, no status) is an outcome; the category stays transient.
      outcome: result.outcome,
      category: transition.category,
      error: transition.error,
      nextAttemptAt:
        transition.status === 'failed_retryable' ? transition.dueAt.toISOString() : null,
    });
    if (transition.status === 'outcome_unknown') {
      this.logger.warn({
        evt: 'execution_outcome_unknown',
        executionId: execution.id,
        trigger: execution.triggerSlug,
        attempts: execution.attempt,
      });
    }
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
    const isRecorded = await this.settleWithoutAttempt(execution, workerId, {
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

  // A worker died with an attempt in flight whose request may have gone out: for a trigger that
  // holds unknown outcomes (WhatsApp by default) that attempt is `unknown` and nothing is sent
  // again until an operator confirms, rather than risk a second message.
  private async holdLostAttempt(execution: ClaimedExecution, workerId: string): Promise<void> {
    this.logReclaim(execution);
    const isRecorded = await this.settleWithoutAttempt(execution, workerId, {
      attempt: this.lostAttempt(execution, 'unknown'),
      transition: { status: 'outcome_unknown', error: LOST_ATTEMPT_ERROR, category: 'transient' },
    });
    if (isRecorded) {
      this.metrics.attempts.inc({ outcome: 'unknown' });
      this.logger.warn({
        evt: 'execution_outcome_unknown',
        executionId: execution.id,
        trigger: execution.triggerSlug,
        attempts: execution.attempt - 1,
      });
    }
  }

  // Settles a reclaimed execution without making an attempt: only the lost one is counted.
  private async settleWithoutAttempt(
    execution: ClaimedExecution,
    workerId: string,
    settlement: { attempt: AttemptRecord | null; transition: Transition },
  ): Promise<boolean> {
    const recorded = await this.recordAttempt({
      executionId: execution.id,
      triggerSlug: execution.triggerSlug,
      handlesDeadLetterId: execution.handlesDeadLetterId,
      workerId,
      attemptCount: execution.attempt - 1,
      ...settlement,
      flow: execution.flow,
      reconcileAfterMs: reconcileAfterMsOf(execution.action),
    });
    this.reportFlow(execution, recorded);
    return recorded.isRecorded;
  }

  private lostAttempt(
    execution: ClaimedExecution,
    outcome: 'transient' | 'unknown',
  ): AttemptRecord {
    const { workerId, claimedAt } = execution.reclaimedFrom!;
    return {
      number: execution.attempt - 1,
      workerId: workerId ?? 'unknown',
      startedAt: claimedAt,
      finishedAt: this.clock.now(),
      outcome,
      httpStatus: null,
      error: LOST_ATTEMPT_ERROR,
      responseExcerpt: null,
    };
  }

  private logReclaim(execution: ClaimedExecution): void {
    this.logger.warn({
      evt: 'lease_reclaimed',
      executionId: execution.id,
      previousWorkerId: execution.reclaimedFrom!.workerId,
      lostAttempt: execution.attempt - 1,
    });
  }

  private async recordLostAttempt(execution: ClaimedExecution): Promise<void> {
    this.logReclaim(execution);
    await this.completions.recordLostAttempt(
      execution.id,
      this.lostAttempt(execution, 'transient'),
    );
  }

  /**
   * The rare path: writes the attempt, the execution's new state, the dead letter it becomes
   * and the handlers that starts (or the dead letter a handler resolves, or the trigger's flow
   * state) in one transaction, only while `workerId` still holds the lease, retried with backoff
   * when the write fails. Answers isRecorded false when the lease was lost: another worker holds
   * the execution now and nothing is written.
   */
  private recordAttempt(input: AttemptToRecord): Promise<RecordedAttempt> {
    const write = () => this.database.transaction((sql) => this.writeAttempt(sql, input));
    return writeWithRetry({
      write,
      giveUpAfterMs: this.config.leaseMs,
      onFailure: (error, retryInMs) =>
        this.logger.warn({
          evt: 'completion_write_failed',
          executions: 1,
          retryInMs,
          error: (error as Error).message,
        }),
    });
  }

  private async writeAttempt(sql: Sql, input: AttemptToRecord): Promise<RecordedAttempt> {
    const isHeld = await this.completions.applyTransition(sql, input);
    if (!isHeld) {
      return { isRecorded: false, flow: null, startedHandlers: 0 };
    }
    if (input.attempt !== null) {
      await this.completions.insertAttempt(sql, input.executionId, input.attempt);
    }
    if (input.transition.status === 'outcome_unknown' && input.reconcileAfterMs !== null) {
      await this.reconciliations.schedule(sql, {
        executionId: input.executionId,
        afterMs: input.reconcileAfterMs,
      });
    }
    const flow =
      input.flow === null
        ? null
        : await this.flowGate.settle(sql, {
            settings: input.flow,
            // An attempt lost with its worker ended without an answer.
            outcome: input.attempt?.outcome ?? 'transient',
            executionId: input.executionId,
            isFinished: isFinished(input.transition.status),
          });
    const { startedHandlers } = await this.deadLetters.settle(sql, {
      executionId: input.executionId,
      triggerSlug: input.triggerSlug,
      handlesDeadLetterId: input.handlesDeadLetterId,
      status: input.transition.status,
    });
    return { isRecorded: true, flow, startedHandlers };
  }

  // Circuit transitions are logged and counted once, by the worker whose attempt caused them;
  // woken executions may be claimed by any worker, so the others hear of them too.
  // Handler executions a dead-lettering started are due now, here and on other workers.
  private reportFlow(execution: ClaimedExecution, recorded: RecordedAttempt): void {
    const settlement = recorded.flow;
    if (settlement === null) {
      if (recorded.startedHandlers > 0) {
        this.signal.executionsAvailable();
      }
      return;
    }
    const { event, circuit } = settlement;
    if (event === 'opened') {
      this.metrics.circuitOpenings.inc();
      this.logger.warn({
        evt: 'circuit_opened',
        triggerId: execution.triggerId,
        trigger: execution.triggerSlug,
        consecutiveFailures: circuit.consecutiveFailures,
        reopensAt: new Date(circuit.reopensAt!).toISOString(),
      });
    } else if (event === 'closed') {
      this.logger.log({
        evt: 'circuit_closed',
        triggerId: execution.triggerId,
        trigger: execution.triggerSlug,
      });
    }
    if (settlement.woken > 0 || recorded.startedHandlers > 0) {
      this.signal.executionsAvailable();
    }
  }
}
