import type { ApiErrorBody, RequestErrorCode } from '@triggerline/contracts';
import { DomainError } from './domain-error';

export type { RequestErrorCode };

/** Something wrong with the request itself, whatever the route. */
export class RequestError extends DomainError<RequestErrorCode> {
  constructor(
    code: RequestErrorCode,
    message: string,
    readonly details?: string[],
  ) {
    super(code, message);
  }

  override toBody(): ApiErrorBody {
    const body = super.toBody();
    if (this.details !== undefined) {
      body.details = this.details;
    }
    return body;
  }
}
