import { DomainError } from '../http/domain-error';

export class RejectionError extends DomainError<'rejection_not_found'> {}
