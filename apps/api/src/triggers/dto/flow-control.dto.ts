import { ApiProperty } from '@nestjs/swagger';
import {
  type CircuitBreakerPolicy,
  FLOW_CONTROL_LIMITS,
  type RateLimit,
} from '@triggerline/contracts';
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
