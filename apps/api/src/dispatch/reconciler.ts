import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import {
  type AttemptReconciliation,
  decideReconciliation,
  effectiveReconcileAfterMs,
  nextReconcileDelay,
  RECONCILE_TRIES,
  type ReconciliationResult,
} from '@triggerline/contracts';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { EgressAgents } from '../egress/egress-agents';
import { DeadLettersStore } from '../executions/dead-letters.store';
import {
  type ClaimedReconciliation,
  type ReconciledState,
  ReconciliationsStore,
} from '../executions/reconciliations.store';
import { OrderingStore } from '../executions/ordering.store';
import { WorkSignal } from '../executions/work-signal';
import { Metrics } from '../metrics/metrics';
import { Clock } from '../scheduling/clock';
import { SecretBox } from '../secrets/secret-box';
import { openAction } from '../triggers/trigger-secrets';
import type { StoredAction } from '../triggers/trigger.entity';
import { sendRequest } from './actions/send-request';
import { whatsappMessageId } from './actions/whatsapp-message-id';
import { buildWhatsappStatusRequest, readWhatsappStatus } from './actions/whatsapp-status';
import { decideTransition } from './decide-transition';
import { eventIdOf } from './event-identity';
import { createWorkerId } from './worker-id';

const POLL_JOB = 'reconcile-poll';

/** When an unknown outcome of this action is first asked about; null: it cannot be asked. */
export function reconcileAfterMsOf(action: StoredAction | null): number | null {
  return action?.type === 'whatsapp' ? effectiveReconcileAfterMs(action) : null;
}
const BATCH = 10;

/**
 * SPEC §15 "Reconciling unknown outcomes": asks the gateway about `outcome_unknown` executions of
 * a provider that can be asked (Evolution Go's message status), when they fall due: a sent,
 * delivered or read message makes the execution `succeeded` without sending anything again;
 * a message the gateway still does not know at the last try is retried as after a transient
 * failure (with the same message id); anything else is left to an operator. Woken by a poll
 * every WORKER_POLL_INTERVAL_MS (which finds the executions any worker made unknown) and by a
 * timer for the next one due that the poll found.
 */
@Injectable()
export class Reconciler
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('Reconcile');
  private readonly workerId = createWorkerId();
  private readonly agents: EgressAgents;
  private running: Promise<void> | null = null;
  private isRunAgainRequested = false;
  private isStopping = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;

  constructor(
    private readonly database: Database,
    private readonly store: ReconciliationsStore,
    private readonly deadLetters: DeadLettersStore,
    private readonly ordering: OrderingStore,
    private readonly signal: WorkSignal,
    private readonly metrics: Metrics,
    private readonly box: SecretBox,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
  ) {
    this.agents = new EgressAgents(config.egress);
  }

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      POLL_JOB,
      setInterval(() => this.wake(), this.config.workerPollIntervalMs),
    );
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.isStopping = true;
    this.scheduler.deleteInterval(POLL_JOB);
    if (this.timer !== null) {
      clearTimeout(this.timer);
    }
    await this.running;
  }

  onApplicationShutdown(): void {
    this.agents.destroy();
  }

  private wake(): void {
    if (this.isStopping) {
      return;
    }
    if (this.running !== null) {
      this.isRunAgainRequested = true;
      return;
    }
    this.running = this.reconcileDue()
      .catch((error: unknown) =>
        this.logger.warn({ evt: 'reconcile_failed', error: (error as Error).message }),
      )
      .finally(() => {
        this.running = null;
        if (this.isRunAgainRequested) {
          this.isRunAgainRequested = false;
          this.wake();
        }
      });
  }

  private async reconcileDue(): Promise<void> {
    let claimed: ClaimedReconciliation[];
    do {
      claimed = await this.store.claimDue({
        workerId: this.workerId,
        leaseMs: this.config.leaseMs,
        limit: BATCH,
      });
      // One that fails is asked again once its lease lapses.
      await Promise.all(
        claimed.map((execution) =>
          this.reconcile(execution).catch((error: unknown) =>
            this.logger.warn({
              evt: 'reconcile_failed',
              executionId: execution.id,
              error: (error as Error).message,
            }),
          ),
        ),
      );
    } while (claimed.length === BATCH && !this.isStopping);
    const nextAt = await this.store.nextDueAt();
    if (nextAt !== null) {
      this.armTimer(nextAt);
    }
  }

  private armTimer(at: Date): void {
    if (this.isStopping || (this.timer !== null && this.timerAt <= at.getTime())) {
      return;
    }
    if (this.timer !== null) {
      clearTimeout(this.timer);
    }
    this.timerAt = at.getTime();
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.wake();
      },
      Math.max(0, at.getTime() - Date.now()),
    );
    this.timer.unref();
  }

  private async reconcile(execution: ClaimedReconciliation): Promise<void> {
    const askedAt = this.clock.now();
    const answer = await this.ask(execution);
    const reconcileAfterMs = reconcileAfterMsOf(execution.action);
    const state = this.nextState(execution, {
      ...answer,
      // A trigger changed to a provider that cannot be asked leaves it to an operator.
      decision:
        reconcileAfterMs === null
          ? 'operator'
          : decideReconciliation(answer.result, execution.tries),
      reconcileAfterMs: reconcileAfterMs ?? 0,
    });
    const note: AttemptReconciliation = {
      askedAt: askedAt.toISOString(),
      tries: execution.tries,
      result: answer.result,
      detail: answer.detail,
    };
    const settled = await this.database.transaction(async (sql) => {
      const isSettled = await this.store.settle(sql, {
        claimed: execution,
        workerId: this.workerId,
        answer: note,
        state,
      });
      if (!isSettled) {
        return null;
      }
      return this.deadLetters.settle(sql, {
        executionId: execution.id,
        triggerSlug: execution.triggerSlug,
        handlesDeadLetterId: execution.handlesDeadLetterId,
        status: state.status,
      });
    });
    if (settled === null) {
      // An operator confirmed it meanwhile, or another worker took over after the lease.
      return;
    }
    this.logger.log({
      evt: 'execution_reconciled',
      executionId: execution.id,
      trigger: execution.triggerSlug,
      tries: execution.tries,
      result: answer.result,
      status: state.status,
    });
    if (state.status === 'dead_lettered' && execution.handlesDeadLetterId === null) {
      this.metrics.deadLetters.inc();
    }
    // No longer outcome_unknown: the next execution of its ordering key may go (SPEC §15).
    const wokeSuccessor =
      state.status !== 'outcome_unknown' &&
      (await this.ordering.wakeSuccessorInTurn({ executionId: execution.id })) > 0;
    if (state.status === 'failed_retryable' || settled.startedHandlers > 0 || wokeSuccessor) {
      this.signal.executionsAvailable();
    }
  }

  private async ask(
    execution: ClaimedReconciliation,
  ): Promise<{ result: ReconciliationResult; detail: string }> {
    const { action } = execution;
    if (action?.type !== 'whatsapp' || reconcileAfterMsOf(action) === null) {
      return { result: 'unavailable', detail: 'The trigger can no longer be asked' };
    }
    let apiKey: string | null;
    try {
      apiKey = (openAction(action, this.box, execution.triggerSlug) as typeof action).apiKey;
    } catch (error) {
      return { result: 'unavailable', detail: `secret_unavailable: ${(error as Error).message}` };
    }
    if (apiKey === null) {
      return { result: 'unavailable', detail: 'The WhatsApp action has no apiKey' };
    }
    const messageId = whatsappMessageId({
      triggerId: execution.triggerId,
      eventId: await eventIdOf(this.database, execution),
    });
    const request = buildWhatsappStatusRequest({
      action,
      apiKey,
      messageId,
      executionId: execution.id,
      // Answered well within the lease, so no other worker asks meanwhile.
      timeoutMs: Math.min(action.timeoutMs, Math.floor(this.config.leaseMs / 2)),
    });
    const answer = await sendRequest(request, { agents: this.agents, now: () => this.clock.now() });
    return readWhatsappStatus(answer);
  }

  private nextState(
    execution: ClaimedReconciliation,
    input: {
      result: ReconciliationResult;
      detail: string;
      decision: ReturnType<typeof decideReconciliation>;
      reconcileAfterMs: number;
    },
  ): ReconciledState {
    const asked = `Reconciliation ${execution.tries} of ${RECONCILE_TRIES}: ${input.result} (${input.detail})`;
    switch (input.decision) {
      case 'succeeded':
        return { status: 'succeeded' };
      case 'ask_again':
        return {
          status: 'outcome_unknown',
          error: `${asked}; asking again`,
          askAgainInMs: nextReconcileDelay(input.reconcileAfterMs, execution.tries),
        };
      case 'operator':
        return {
          status: 'outcome_unknown',
          error: `${asked}; confirm by hand`,
          askAgainInMs: null,
        };
      case 'retry': {
        // As after a transient failure of the attempt whose outcome was unknown.
        const transition = decideTransition({
          result: { outcome: 'transient', error: `${asked}; sent again`, retryAfterMs: null },
          attempt: execution.attempt,
          policy: execution.retryPolicy,
          onUnknownOutcome: 'retry',
          now: this.clock.now(),
          random: () => this.clock.random(),
          isHandler: execution.handlesDeadLetterId !== null,
        });
        if (transition.status !== 'failed_retryable' && transition.status !== 'dead_lettered') {
          throw new Error(`a transient failure cannot lead to ${transition.status}`);
        }
        return transition;
      }
    }
  }
}
