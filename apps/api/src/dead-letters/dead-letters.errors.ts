import type { DeadLetterErrorCode } from '@triggerline/contracts';
import { DomainError } from '../http/domain-error';

export type { DeadLetterErrorCode };

export class DeadLetterError extends DomainError<DeadLetterErrorCode> {}
