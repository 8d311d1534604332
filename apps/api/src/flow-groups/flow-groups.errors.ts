import type { FlowGroupErrorCode } from '@triggerline/contracts';
import { DomainError } from '../http/domain-error';

export type { FlowGroupErrorCode };

export class FlowGroupError extends DomainError<FlowGroupErrorCode> {}
