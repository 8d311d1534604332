import { DomainError } from '../http/domain-error';

export type TriggerErrorCode = 'trigger_not_found' | 'slug_taken';

export class TriggerError extends DomainError<TriggerErrorCode> {}
