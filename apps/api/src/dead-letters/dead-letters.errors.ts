import { DomainError } from '../http/domain-error';

export type DeadLetterErrorCode = 'dead_letter_not_found' | 'already_resolved';

export class DeadLetterError extends DomainError<DeadLetterErrorCode> {}
