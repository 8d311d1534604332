import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

/** An integer between `range.min` and `range.max`, inclusive. */
export function IntInRange(range: IntRange): PropertyDecorator {
  return applyDecorators(IsInt(), Min(range.min), Max(range.max));
}

/** The Swagger schema bounds for the same range, so docs and validation agree. */
export function rangeSchema(range: IntRange): {
  type: 'integer';
  minimum: number;
  maximum: number;
} {
  return { type: 'integer', minimum: range.min, maximum: range.max };
}
