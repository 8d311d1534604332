import { DomainError } from './domain-error';

export type RequestErrorCode =
  | 'validation_failed'
  | 'invalid_id'
  | 'invalid_body'
  | 'unauthorized'
  | 'not_found'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable';

/** Something wrong with the request itself, whatever the route. */
export class RequestError extends DomainError<RequestErrorCode> {
  constructor(
    code: RequestErrorCode,
    message: string,
    readonly details?: string[],
  ) {
    super(code, message);
  }
}
