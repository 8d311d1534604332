import { ApiPropertyOptional } from '@nestjs/swagger';
import type { RetryPolicy } from '@triggerline/contracts';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Any field left out takes the configured default (RETRY_* variables). */
export class RetryPolicyDto implements Partial<RetryPolicy> {
  @ApiPropertyOptional({ minimum: 1, maximum: 20 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(20)
  maxAttempts?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 86400000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  baseDelayMs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 86400000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  maxDelayMs?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 3600000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  jitterMs?: number;
}
