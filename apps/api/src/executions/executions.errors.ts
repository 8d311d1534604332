import { DomainError } from '../http/domain-error';

export type ExecutionErrorCode = 'execution_not_found';

export class ExecutionError extends DomainError<ExecutionErrorCode> {}
