import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { RequestError } from './request.errors';

/** One message per failed constraint, each starting with the field's path. */
export function describeValidationErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix + error.property;
    const own = Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? path + message.slice(error.property.length) : message,
    );
    return [...own, ...describeValidationErrors(error.children ?? [], `${path}.`)];
  });
}

/** DTO validation for bodies and queries: unknown fields refused, answers `validation_failed`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = describeValidationErrors(errors);
      return new RequestError('validation_failed', details[0] ?? 'Invalid request.', details);
    },
  });
}
