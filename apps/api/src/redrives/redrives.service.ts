import { Injectable, Logger } from '@nestjs/common';
import {
  DEFAULT_REDRIVE_RATE_PER_SECOND,
  type Redrive,
  type RedriveFilter,
  type RedriveList,
} from '@triggerline/contracts';
import { DeadLettersStore } from '../executions/dead-letters.store';
import { pageRequest } from '../http/cursor';
import { Metrics } from '../metrics/metrics';
import type { CreateRedriveDto } from './dto/create-redrive.dto';
import { RedriveRunner } from './redrive-runner';
import { RedriveError } from './redrives.errors';
import { RedrivesStore } from './redrives.store';

const DEFAULT_LIST_SIZE = 20;

@Injectable()
export class RedrivesService {
  private readonly logger = new Logger('Redrives');

  constructor(
    private readonly store: RedrivesStore,
    private readonly deadLetters: DeadLettersStore,
    private readonly runner: RedriveRunner,
    private readonly metrics: Metrics,
  ) {}

  /** Counts the matching dead letters now; those that die later are not part of it. */
  async create(dto: CreateRedriveDto): Promise<Redrive> {
    const filter: RedriveFilter = withoutUndefined({
      ids: dto.ids,
      triggerId: dto.triggerId,
      errorCategory: dto.errorCategory,
      from: dto.from,
      to: dto.to,
    });
    const { matched, asOf } = await this.deadLetters.countUnresolved(filter);
    const redrive = await this.store.create({
      filter,
      asOf,
      ratePerSecond: dto.ratePerSecond ?? DEFAULT_REDRIVE_RATE_PER_SECOND,
      matched,
    });
    this.metrics.redrivesStarted.inc();
    if (redrive.status === 'done') {
      this.metrics.redrivesFinished.inc({ status: 'done' });
    }
    this.logger.log({ evt: 'redrive_started', redriveId: redrive.id, matched, filter });
    this.runner.wake();
    return redrive;
  }

  async get(id: string): Promise<Redrive> {
    const redrive = await this.store.find(id);
    if (redrive === null) {
      throw new RedriveError('redrive_not_found', `No redrive with id ${id}.`);
    }
    return redrive;
  }

  async list(query: { limit?: number; cursor?: string }): Promise<RedriveList> {
    return this.store.list(
      pageRequest({ limit: query.limit ?? DEFAULT_LIST_SIZE, cursor: query.cursor }),
    );
  }

  /** Stops it after the batch in flight; what was replayed stays replayed. Idempotent. */
  async cancel(id: string): Promise<Redrive> {
    if (await this.store.cancel(id)) {
      this.metrics.redrivesFinished.inc({ status: 'cancelled' });
      this.logger.log({ evt: 'redrive_cancelled', redriveId: id });
    }
    const redrive = await this.get(id);
    if (redrive.status === 'done') {
      throw new RedriveError('redrive_finished', 'This redrive already finished.');
    }
    return redrive;
  }
}

function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T;
}
