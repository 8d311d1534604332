import { ValidateIf } from 'class-validator';

/**
 * A body field that may be left out but not sent as `null`: `@IsOptional()` would let `null`
 * through, and a `null` filter then matches nothing (or everything) instead of being refused.
 * The field's other validators run on every value but `undefined`.
 */
export const OptionalNotNull = (): PropertyDecorator =>
  ValidateIf((_object: object, value: unknown) => value !== undefined);
