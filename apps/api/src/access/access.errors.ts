import type { AccessErrorCode } from '@triggerline/contracts';
import { DomainError } from '../http/domain-error';

export type { AccessErrorCode };

export class AccessError extends DomainError<AccessErrorCode> {}
