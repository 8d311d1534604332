import { Injectable, Logger } from '@nestjs/common';
import {
  DEFAULT_REDRIVE_RATE_PER_SECOND,
  type Redrive,
  type RedriveFilter,
  type RedriveList,
} from '@triggerline/contracts';
import { DeadLettersStore } from '../executions/dead-letters.store';
import { OperatorVerbsStore } from '../executions/operator-verbs.store';
import { RequestError } from '../http/request.errors';
import { TriggerError } from '../triggers/triggers.errors';
import { TriggersService } from '../triggers/triggers.service';
import { pageRequest } from '../http/cursor';
import { Metrics } from '../metrics/metrics';
import type { CreateRedriveDto } from './dto/create-redrive.dto';
import { redriveFilterProblems } from './redrive-filter';
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
    private readonly executions: OperatorVerbsStore,
    private readonly triggers: TriggersService,
    private readonly runner: RedriveRunner,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Counts the matching dead letters (or executions) now; those that die (or arrive) later are
   * not part of it.
   */
  async create(dto: CreateRedriveDto): Promise<Redrive> {
    const filter: RedriveFilter = withoutUndefined({
      source: dto.source,
      ids: dto.ids,
      triggerId: dto.triggerId,
      errorCategory: dto.errorCategory,
      status: dto.status,
      idempotencyKey: dto.idempotencyKey,
      from: dto.from,
      to: dto.to,
      targetTriggerId: dto.targetTriggerId,
    });
    const problems = redriveFilterProblems(filter);
    if (problems.length > 0) {
      throw new RequestError('validation_failed', problems[0], problems);
    }
    if (
      filter.targetTriggerId !== undefined &&
      !(await this.triggerExists(filter.targetTriggerId))
    ) {
      const problem = `targetTriggerId: no trigger with id ${filter.targetTriggerId}`;
      throw new RequestError('validation_failed', problem, [problem]);
    }
    const { matched, asOf } =
      filter.source === 'executions'
        ? await this.executions.countHistory(filter)
        : await this.deadLetters.countUnresolved(filter);
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

  private async triggerExists(id: string): Promise<boolean> {
    try {
      await this.triggers.get(id);
      return true;
    } catch (error) {
      if (error instanceof TriggerError && error.code === 'trigger_not_found') {
        return false;
      }
      throw error;
    }
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
