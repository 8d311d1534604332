import { DomainError } from '../http/domain-error';

export type IngestErrorCode = 'trigger_disabled' | 'invalid_signature';

export class IngestError extends DomainError<IngestErrorCode> {}
