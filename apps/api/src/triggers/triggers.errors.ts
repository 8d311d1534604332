import type { TriggerErrorCode } from '@triggerline/contracts';
import { DomainError } from '../http/domain-error';

export type { TriggerErrorCode };

export class TriggerError extends DomainError<TriggerErrorCode> {}
