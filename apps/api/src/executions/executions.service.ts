import { Injectable, Logger } from '@nestjs/common';
import type { EraseExecutionsResult, Execution, Page, ReplayPreview } from '@triggerline/contracts';
import { Readable } from 'node:stream';
import { type Cursor, decodeCursor, pageRequest } from '../http/cursor';
import { RequestError } from '../http/request.errors';
import type { EraseExecutionsDto } from './dto/erase-executions.dto';
import type { ExportExecutionsQueryDto } from './dto/export-executions-query.dto';
import type { ListExecutionsQueryDto } from './dto/list-executions-query.dto';
import { ExecutionError } from './executions.errors';
import { ExecutionsRepository } from './executions.repository';
import { previewReplay } from './replay-preview';
import { OperatorVerbsStore } from './operator-verbs.store';

/** Rows per read of an export: large enough to amortise the query, small in memory. */
const EXPORT_PAGE_SIZE = 1000;

@Injectable()
export class ExecutionsService {
  private readonly logger = new Logger('Executions');

  constructor(
    private readonly repository: ExecutionsRepository,
    private readonly store: OperatorVerbsStore,
  ) {}

  list(query: ListExecutionsQueryDto): Promise<Page<Execution>> {
    return this.repository.list({
      triggerId: query.triggerId,
      status: query.status,
      idempotencyKey: query.idempotencyKey,
      from: query.from,
      to: query.to,
      ...pageRequest(query),
    });
  }

  /**
   * Every matching execution with its payload, one JSON line each, newest first. Read by keyset
   * in pages of EXPORT_PAGE_SIZE, each page read only when the client has taken the last one,
   * so memory holds a page whatever the count. Executions created while it runs are newer than
   * its position: they are not part of it.
   */
  async export(query: ExportExecutionsQueryDto): Promise<Readable> {
    const filter = {
      triggerId: query.triggerId,
      status: query.status,
      idempotencyKey: query.idempotencyKey,
      from: query.from,
      to: query.to,
    };
    const read = (after: Cursor | undefined) =>
      this.repository.list({ ...filter, limit: EXPORT_PAGE_SIZE, after });
    // The first page is read before answering: a database that fails now gets its proper error
    // answer instead of an empty 200 cut short.
    const first = await read(undefined);
    async function* pages(): AsyncGenerator<string> {
      let page = first;
      for (;;) {
        if (page.items.length > 0) {
          yield page.items.map((execution) => `${JSON.stringify(execution)}\n`).join('');
        }
        if (page.nextCursor === null) {
          return;
        }
        page = await read(decodeCursor(page.nextCursor));
      }
    }
    // Bytes, not objects: the stream buffers 16 KB ahead of the socket, not 16 pages.
    return Readable.from(pages(), { objectMode: false });
  }

  async get(id: string): Promise<Execution> {
    const execution = await this.repository.findWithAttempts(id);
    if (execution === null) {
      throw new ExecutionError('execution_not_found', `No execution with id ${id}.`);
    }
    return execution;
  }

  async replayPreview(id: string): Promise<ReplayPreview> {
    const source = await this.repository.findReplaySource(id);
    if (source === null) {
      throw new ExecutionError('execution_not_found', `No execution with id ${id}.`);
    }
    if (source.action === null) {
      throw new ExecutionError(
        'replay_would_fail',
        'A replay would fail: the trigger has no action (a pure router).',
      );
    }
    const result = previewReplay({ ...source, action: source.action });
    if (!result.ok) {
      throw new ExecutionError('replay_would_fail', `A replay would fail: ${result.error}.`);
    }
    return result.preview;
  }

  /** Erasure (a person's data, a trigger's history): every matching execution not running. */
  async erase(dto: EraseExecutionsDto): Promise<EraseExecutionsResult> {
    const triggerId = dto.triggerId ?? undefined;
    const idempotencyKey = dto.idempotencyKey ?? undefined;
    // null is an absent value (§4), never a filter that matches nothing.
    if (triggerId === undefined && idempotencyKey === undefined) {
      const problem = 'give triggerId or idempotencyKey (or both)';
      throw new RequestError('validation_failed', `Erase needs a filter: ${problem}.`, [problem]);
    }
    const filter = {
      triggerId,
      idempotencyKey,
      from: dto.from ?? undefined,
      to: dto.to ?? undefined,
    };
    const matched = await this.store.countErasable(filter);
    if (dto.dryRun === true || matched === 0) {
      return { matched, erased: 0 };
    }
    const erased = await this.store.erase(filter);
    // The key itself is personal data: the log names only the filter's shape.
    this.logger.warn({
      evt: 'executions_erased',
      triggerId: filter.triggerId ?? null,
      byKey: filter.idempotencyKey !== undefined,
      from: filter.from ?? null,
      to: filter.to ?? null,
      matched,
      erased,
    });
    return { matched, erased };
  }
}
