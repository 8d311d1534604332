import type { IngestErrorCode } from '@triggerline/contracts';
import { DomainError } from '../http/domain-error';

export type { IngestErrorCode };

export class IngestError extends DomainError<IngestErrorCode> {}
