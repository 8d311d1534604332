import type { ApiErrorBody, DomainErrorCode } from '@triggerline/contracts';

/**
 * Base of every error the services throw. The exception filter maps `code` to a status and
 * answers with `toBody()` and `headers`, which a subclass extends with what its code promises.
 */
export abstract class DomainError<Code extends DomainErrorCode = DomainErrorCode> extends Error {
  constructor(
    readonly code: Code,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toBody(): ApiErrorBody {
    return { error: this.code, message: this.message };
  }

  get headers(): Record<string, string> {
    return {};
  }
}

// `instanceof` alone narrows to DomainError<any>; this keeps the code's union.
export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}

export function assertUnreachable(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
