import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  type CircuitBreakerPolicy,
  FLOW_CONTROL_LIMITS,
  type RateLimit,
  WATERMARK_ACTIONS,
} from '@triggerline/contracts';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsOptional, ValidateNested } from 'class-validator';
import { IntInRange, rangeSchema } from '../../http/int-in-range';

const { rateLimit, circuitBreaker } = FLOW_CONTROL_LIMITS;

export class RateLimitDto implements RateLimit {
  @ApiProperty({ ...rangeSchema(rateLimit.limit), example: 1 })
  @IntInRange(rateLimit.limit)
  limit: number;

  @ApiProperty({
    ...rangeSchema(rateLimit.periodMs),
    example: 2000,
    description: 'Length of the sliding window, in milliseconds',
  })
  @IntInRange(rateLimit.periodMs)
  periodMs: number;
}

export class CircuitBreakerDto implements CircuitBreakerPolicy {
  @ApiProperty({ ...rangeSchema(circuitBreaker.failureThreshold), example: 5 })
  @IntInRange(circuitBreaker.failureThreshold)
  failureThreshold: number;

  @ApiProperty({
    ...rangeSchema(circuitBreaker.cooldownMs),
    example: 30000,
    description: 'How long an open circuit waits before one probe, in milliseconds',
  })
  @IntInRange(circuitBreaker.cooldownMs)
  cooldownMs: number;
}

// The optional fields a trigger and a flow group share, validated and documented alike.

/** `rateLimit`: a `RateLimitDto`, or null (off). */
export function RateLimitField(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: RateLimitDto, nullable: true, description }),
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => RateLimitDto),
  );
}

/** `maxConcurrency`: 1..1000, or null (off). */
export function MaxConcurrencyField(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      nullable: true,
      ...rangeSchema(FLOW_CONTROL_LIMITS.maxConcurrency),
      description,
    }),
    IsOptional(),
    IntInRange(FLOW_CONTROL_LIMITS.maxConcurrency),
  );
}

/** `dailyWatermarkAction`: `alert` (default) or `hold`. */
export function WatermarkActionField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      enum: WATERMARK_ACTIONS,
      default: 'alert',
      description: '`hold`: first attempts above dailyWatermark in any rolling 24 h wait.',
    }),
    IsOptional(),
    IsIn(WATERMARK_ACTIONS),
  );
}
