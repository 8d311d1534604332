import { Injectable } from '@nestjs/common';
import type { Execution, Page } from '@triggerline/contracts';
import { pageRequest } from '../http/cursor';
import type { ListExecutionsQueryDto } from './dto/list-executions-query.dto';
import { ExecutionError } from './executions.errors';
import { ExecutionsRepository } from './executions.repository';

@Injectable()
export class ExecutionsService {
  constructor(private readonly repository: ExecutionsRepository) {}

  list(query: ListExecutionsQueryDto): Promise<Page<Execution>> {
    return this.repository.list({
      triggerId: query.triggerId,
      status: query.status,
      ...pageRequest(query),
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
