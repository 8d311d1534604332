import { Injectable, Logger } from '@nestjs/common';
import type { Execution } from '@triggerline/contracts';
import { Database } from '../database/database';
import { Metrics } from '../metrics/metrics';
import { OrderingStore } from './ordering.store';
import { WorkSignal } from './work-signal';
import { DeadLettersStore } from './dead-letters.store';
import type { ConfirmDeliveryDto } from './dto/confirm-delivery.dto';
import { ExecutionError } from './executions.errors';
import { ExecutionsService } from './executions.service';
import { OperatorVerbsStore } from './operator-verbs.store';

/**
 * Settles an `outcome_unknown` execution with what the operator found out downstream:
 * delivered → succeeded; not delivered → dead-lettered as transient, so that replay and
 * dead-letter handlers apply as to any other dead letter.
 */
@Injectable()
export class ConfirmService {
  private readonly logger = new Logger('Confirm');

  constructor(
    private readonly database: Database,
    private readonly executions: OperatorVerbsStore,
    private readonly deadLetters: DeadLettersStore,
    private readonly ordering: OrderingStore,
    private readonly signal: WorkSignal,
    private readonly reads: ExecutionsService,
    private readonly metrics: Metrics,
  ) {}

  async confirm(executionId: string, dto: ConfirmDeliveryDto): Promise<Execution> {
    const note = dto.note ?? null;
    const outcome = await this.database.transaction(async (sql) => {
      const confirmed = await this.executions.confirm(sql, {
        executionId,
        delivered: dto.delivered,
      });
      if (confirmed.kind !== 'confirmed') {
        return confirmed;
      }
      await this.deadLetters.settle(sql, {
        executionId,
        triggerSlug: confirmed.triggerSlug,
        handlesDeadLetterId: confirmed.handlesDeadLetterId,
        status: confirmed.status,
        note,
      });
      return confirmed;
    });
    switch (outcome.kind) {
      case 'not_found':
        throw new ExecutionError('execution_not_found', `No execution with id ${executionId}.`);
      case 'not_unknown':
        throw new ExecutionError(
          'not_unknown',
          `Only an outcome_unknown execution can be confirmed; this one is ${outcome.status}.`,
        );
      case 'confirmed':
        // No longer outcome_unknown: the next execution of its ordering key may go (SPEC §15).
        if ((await this.ordering.wakeSuccessorInTurn({ executionId })) > 0) {
          this.signal.executionsAvailable();
        }
        if (outcome.status === 'dead_lettered' && outcome.handlesDeadLetterId === null) {
          this.metrics.deadLetters.inc();
        }
        this.logger.log({
          evt: 'execution_confirmed',
          executionId,
          delivered: dto.delivered,
          status: outcome.status,
          note,
        });
        return this.reads.get(executionId);
    }
  }
}
