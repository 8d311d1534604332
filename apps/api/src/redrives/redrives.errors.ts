import type { RedriveErrorCode } from '@triggerline/contracts';
import { DomainError } from '../http/domain-error';

export type { RedriveErrorCode };

export class RedriveError extends DomainError<RedriveErrorCode> {}
