import { Injectable } from '@nestjs/common';
import type { Execution, Page } from '@triggerline/contracts';
import { decodeCursor } from '../http/cursor';
import type { ListExecutionsQueryDto } from './dto/list-executions-query.dto';
import { ExecutionError } from './executions.errors';
import { ExecutionsRepository } from './executions.repository';

const DEFAULT_PAGE_SIZE = 50;

@Injectable()
export class ExecutionsService {
  constructor(private readonly repository: ExecutionsRepository) {}

  list(query: ListExecutionsQueryDto): Promise<Page<Execution>> {
    return this.repository.list({
      triggerId: query.triggerId,
      status: query.status,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    });
  }

  async get(id: string): Promise<Execution> {
    const execution = await this.repository.findWithAttempts(id);
    if (execution === null) {
      throw new ExecutionError('execution_not_found', `No execution with id ${id}.`);
    }
    return execution;
  }
}
