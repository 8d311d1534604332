// Flow control per trigger (SPEC §7): rate limit, concurrency cap, circuit breaker, pause and
// watermark hold. Plain TypeScript, shared by the API and the console.

export interface RateLimit {
  /** Attempts that may start in any window of `periodMs`. */
  limit: number;
  periodMs: number;
}

export interface CircuitBreakerPolicy {
  /** Consecutive transient (or unknown) attempt failures that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit lets no attempt start before one probe. */
  cooldownMs: number;
}

export const WATERMARK_ACTIONS = ['alert', 'hold'] as const;
export type WatermarkAction = (typeof WATERMARK_ACTIONS)[number];

export const CIRCUIT_STATES = ['closed', 'open', 'half_open'] as const;
export type CircuitState = (typeof CIRCUIT_STATES)[number];

/**
 * Why an execution whose time had come was last held back; null once an attempt starts.
 * §15: `ordering` (an earlier execution of its ordering key is not done), `window` (outside the
 * trigger's delivery window), `delay` (the trigger's delay after acceptance).
 */
export const HELD_REASONS = [
  'paused',
  'rate_limit',
  'concurrency',
  'circuit_open',
  'watermark',
  'ordering',
  'window',
  'delay',
] as const;
export type HeldReason = (typeof HELD_REASONS)[number];

export interface Circuit {
  state: CircuitState;
  consecutiveFailures: number;
  openedAt: string | null;
  reopensAt: string | null;
}

/** The trigger fields of flow control; every one null (off) by default. */
export interface FlowControlSettings {
  rateLimit: RateLimit | null;
  maxConcurrency: number | null;
  circuitBreaker: CircuitBreakerPolicy | null;
  dailyWatermarkAction: WatermarkAction;
  watermarkGroup: string | null;
}

export interface CircuitOpenAlert {
  code: 'circuit_open';
  triggerId: string;
  since: string;
}

export const FLOW_CONTROL_LIMITS = {
  rateLimit: { limit: { min: 1, max: 100_000 }, periodMs: { min: 100, max: 86_400_000 } },
  maxConcurrency: { min: 1, max: 1000 },
  circuitBreaker: {
    failureThreshold: { min: 1, max: 1000 },
    cooldownMs: { min: 1000, max: 86_400_000 },
  },
} as const;
