import { Injectable, Logger } from '@nestjs/common';
import type { ReplayAccepted } from '@triggerline/contracts';
import { AppConfig } from '../config/app-config';
import { Database, type Sql } from '../database/database';
import { Metrics } from '../metrics/metrics';
import { OrderingStore } from './ordering.store';
import { DeadLettersStore } from './dead-letters.store';
import { ExecutionError, ReplayRateLimitedError } from './executions.errors';
import { type CopyOutcome, OperatorVerbsStore, type ReplayOutcome } from './operator-verbs.store';
import { WorkSignal } from './work-signal';

/** Replays a failed execution as a new one, at most once per REPLAY_COOLDOWN_MS per event. */
@Injectable()
export class ReplayService {
  private readonly logger = new Logger('Replay');

  constructor(
    private readonly database: Database,
    private readonly executions: OperatorVerbsStore,
    private readonly deadLetters: DeadLettersStore,
    private readonly ordering: OrderingStore,
    private readonly config: AppConfig,
    private readonly signal: WorkSignal,
    private readonly metrics: Metrics,
  ) {}

  /**
   * The replay itself, inside the caller's transaction (a redrive replays a batch per
   * transaction). The caller signals the dispatcher once it committed.
   */
  async replayWithin(sql: Sql, executionId: string): Promise<ReplayOutcome> {
    const outcome = await this.executions.replay(sql, {
      executionId,
      cooldownMs: this.config.replayCooldownMs,
    });
    if (outcome.kind === 'replayed') {
      await this.deadLetters.resolveReplayed(sql, executionId);
      // A replayed execution is finished: it no longer holds its ordering key (SPEC §15). A
      // claim deciding meanwhile may hold the next one again: `replay` wakes it once more in
      // turn after the commit; a redrive's batch leaves that to the ordering recheck.
      await this.ordering.wakeSuccessor(sql, executionId);
    }
    return outcome;
  }

  /**
   * A replay from history, inside the caller's transaction: a copy of the execution, whatever
   * its status, into its own trigger or `targetTriggerId`'s; the original is left as it is.
   */
  async copyWithin(
    sql: Sql,
    input: { executionId: string; targetTriggerId: string | null },
  ): Promise<CopyOutcome> {
    return this.executions.copyAsReplay(sql, input);
  }

  async replay(executionId: string): Promise<ReplayAccepted> {
    // One transaction per replay, serialised on the original's row.
    const outcome = await this.database.transaction((sql) => this.replayWithin(sql, executionId));
    switch (outcome.kind) {
      case 'not_found':
        throw new ExecutionError('execution_not_found', `No execution with id ${executionId}.`);
      case 'not_replayable':
        throw new ExecutionError(
          'not_replayable',
          `Only failed_retryable, dead_lettered or outcome_unknown executions can be replayed; this one is ${outcome.status}.`,
        );
      case 'cooling_down':
        throw new ReplayRateLimitedError(Math.max(1, Math.ceil(outcome.remainingMs / 1000)));
      case 'replayed':
        await this.ordering.wakeSuccessorInTurn({ executionId });
        this.metrics.replays.inc();
        this.logger.log({ evt: 'execution_replayed', executionId, replayId: outcome.executionId });
        this.signal.executionsAvailable();
        return { executionId: outcome.executionId };
    }
  }
}
