import { Injectable, Logger } from '@nestjs/common';
import type { ReplayAccepted } from '@triggerline/contracts';
import { AppConfig } from '../config/app-config';
import { DispatchSignal } from '../dispatch/dispatch-signal';
import { Metrics } from '../metrics/metrics';
import { ExecutionError, ReplayRateLimitedError } from './executions.errors';
import { ReplayRepository } from './replay.repository';

/** Replays a failed execution as a new one, at most once per REPLAY_COOLDOWN_MS per event. */
@Injectable()
export class ReplayService {
  private readonly logger = new Logger('Replay');

  constructor(
    private readonly repository: ReplayRepository,
    private readonly config: AppConfig,
    private readonly signal: DispatchSignal,
    private readonly metrics: Metrics,
  ) {}

  async replay(executionId: string): Promise<ReplayAccepted> {
    const outcome = await this.repository.replay({
      executionId,
      cooldownMs: this.config.replayCooldownMs,
    });
    switch (outcome.kind) {
      case 'not_found':
        throw new ExecutionError('execution_not_found', `No execution with id ${executionId}.`);
      case 'not_replayable':
        throw new ExecutionError(
          'not_replayable',
          `Only failed_retryable or dead_lettered executions can be replayed; this one is ${outcome.status}.`,
        );
      case 'cooling_down':
        throw new ReplayRateLimitedError(Math.max(1, Math.ceil(outcome.remainingMs / 1000)));
      case 'replayed':
        this.metrics.replays.inc();
        this.logger.log({ evt: 'execution_replayed', executionId, replayId: outcome.executionId });
        this.signal.executionsAvailable();
        return { executionId: outcome.executionId };
    }
  }
}
