import { Injectable, Logger } from '@nestjs/common';
import { ReadDatabase } from '../database/read-database';
import type {
  Attempt,
  BulkReplayResult,
  DeadLetter,
  Page,
  ReplayAccepted,
} from '@triggerline/contracts';
import { ExecutionsRepository } from '../executions/executions.repository';
import { DomainError } from '../http/domain-error';
import { pageRequest } from '../http/cursor';
import { ReplayService } from '../executions/replay.service';
import { DeadLetterError } from './dead-letters.errors';
import { DeadLettersStore } from '../executions/dead-letters.store';
import { OrderingStore } from '../executions/ordering.store';
import { WorkSignal } from '../executions/work-signal';
import type { BulkReplayDto } from './dto/bulk-replay.dto';
import type { ListDeadLettersQueryDto } from './dto/list-dead-letters-query.dto';
import type { ResolveDeadLetterDto } from './dto/resolve-dead-letter.dto';

const BULK_BATCH_SIZE = 100;

@Injectable()
export class DeadLettersService {
  private readonly logger = new Logger('DeadLetters');

  constructor(
    private readonly store: DeadLettersStore,
    private readonly executions: ExecutionsRepository,
    private readonly replays: ReplayService,
    private readonly reads: ReadDatabase,
    private readonly ordering: OrderingStore,
    private readonly signal: WorkSignal,
  ) {}

  list(query: ListDeadLettersQueryDto): Promise<Page<DeadLetter>> {
    return this.store.list(
      {
        unresolved: query.unresolved,
        triggerId: query.triggerId,
        errorCategory: query.errorCategory,
        from: query.from,
        to: query.to,
        ...pageRequest(query),
      },
      this.reads.sql,
    );
  }

  async get(id: string): Promise<DeadLetter & { attempts: Attempt[] }> {
    const deadLetter = await this.findOrFail(id);
    return { ...deadLetter, attempts: await this.executions.attemptsOf(deadLetter.executionId) };
  }

  async resolve(id: string, dto: ResolveDeadLetterDto): Promise<DeadLetter> {
    const isResolved = await this.store.resolve({
      id,
      resolution: dto.resolution,
      note: dto.note ?? null,
    });
    const deadLetter = await this.findOrFail(id);
    if (!isResolved) {
      throw alreadyResolved(deadLetter);
    }
    // A resolved dead letter no longer blocks its ordering key (SPEC §15, "block").
    if ((await this.ordering.wakeSuccessorInTurn({ deadLetterId: id })) > 0) {
      this.signal.executionsAvailable();
    }
    this.logger.log({ evt: 'dead_letter_resolved', deadLetterId: id, resolution: dto.resolution });
    return deadLetter;
  }

  async replay(id: string): Promise<ReplayAccepted> {
    const deadLetter = await this.findOrFail(id);
    if (deadLetter.resolvedAt !== null) {
      throw alreadyResolved(deadLetter);
    }
    return this.replays.replay(deadLetter.executionId);
  }

  /** Replays every matching unresolved dead letter, in batches; refusals count as skipped. */
  async bulkReplay(dto: BulkReplayDto): Promise<BulkReplayResult> {
    const filter = {
      ids: dto.ids,
      triggerId: dto.triggerId,
      errorCategory: dto.errorCategory,
      from: dto.from,
      to: dto.to,
    };
    const { matched, asOf } = await this.store.countUnresolved(filter);
    if (dto.dryRun === true) {
      return { matched, replayed: 0, skipped: 0 };
    }
    let replayed = 0;
    let skipped = 0;
    let afterId: string | null = null;
    for (;;) {
      const batch = await this.store.nextBatch({ ...filter, asOf }, afterId, BULK_BATCH_SIZE);
      if (batch.length === 0) {
        break;
      }
      for (const deadLetter of batch) {
        try {
          await this.replays.replay(deadLetter.executionId);
          replayed++;
        } catch (error) {
          if (!(error instanceof DomainError)) {
            throw error;
          }
          skipped++; // cooling down, or replayed or resolved meanwhile
        }
      }
      afterId = batch[batch.length - 1].id;
    }
    this.logger.log({ evt: 'dead_letters_bulk_replayed', matched, replayed, skipped });
    return { matched, replayed, skipped };
  }

  private async findOrFail(id: string): Promise<DeadLetter> {
    const deadLetter = await this.store.find(id);
    if (deadLetter === null) {
      throw new DeadLetterError('dead_letter_not_found', `No dead letter with id ${id}.`);
    }
    return deadLetter;
  }
}

function alreadyResolved(deadLetter: DeadLetter): DeadLetterError {
  return new DeadLetterError(
    'already_resolved',
    `This dead letter was already resolved as ${deadLetter.resolution} at ${deadLetter.resolvedAt}.`,
  );
}
