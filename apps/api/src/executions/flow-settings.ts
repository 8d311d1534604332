import type {
  CircuitBreakerPolicy,
  DeliveryWindow,
  OrderingDeadLetterPolicy,
  RateLimit,
  WatermarkAction,
} from '@triggerline/contracts';

/** A trigger's flow control as its claims and completions apply it. */
export interface TriggerFlowSettings {
  triggerId: string;
  paused: boolean;
  rateLimit: RateLimit | null;
  maxConcurrency: number | null;
  circuitBreaker: CircuitBreakerPolicy | null;
  /** Set when first attempts above the daily watermark wait (`dailyWatermarkAction: hold`). */
  watermarkHold: { limit: number; scope: string; group: string | null } | null;
  /** §15: set when executions of one ordering key run one at a time. */
  ordering: { onDeadLetter: OrderingDeadLetterPolicy } | null;
  deliveryWindow: DeliveryWindow | null;
  delayMs: number | null;
  /** The flow group whose limits bind the trigger too (SPEC §15); null: none. */
  flowGroup: string | null;
}

/** The trigger columns flow control reads, as the claim selects them. */
export interface FlowColumns {
  trigger_id: string;
  paused: boolean;
  rate_limit: RateLimit | null;
  max_concurrency: number | null;
  circuit_breaker: CircuitBreakerPolicy | null;
  daily_watermark: number | null;
  daily_watermark_action: WatermarkAction;
  watermark_group: string | null;
  ordering_key_path: string | null;
  ordering_on_dead_letter: OrderingDeadLetterPolicy;
  delivery_window: DeliveryWindow | null;
  delay_ms: number | null;
}

/** The SQL that selects `FlowColumns` from `triggers t`. */
export const FLOW_COLUMNS = `t.paused, t.rate_limit, t.max_concurrency, t.circuit_breaker,
  t.daily_watermark, t.daily_watermark_action, t.watermark_group, t.ordering_key_path,
  t.ordering_on_dead_letter, t.delivery_window, t.delay_ms`;

/**
 * True for a trigger with any control (§7's, or §15's order, window and delay), or in a flow
 * group (whose limits the claim reads under the group's lock): its executions leave the claim's
 * fast path. Columns of the row the claim joins anyway: no lookup added.
 */
export const IS_GATED_TRIGGER = `(t.paused OR t.rate_limit IS NOT NULL
  OR t.max_concurrency IS NOT NULL OR t.circuit_breaker IS NOT NULL
  OR (t.daily_watermark_action = 'hold' AND t.daily_watermark IS NOT NULL)
  OR t.ordering_key_path IS NOT NULL OR t.delivery_window IS NOT NULL OR coalesce(t.delay_ms, 0) > 0
  OR t.watermark_group IS NOT NULL)`;

/** The trigger's controls; null when it has none (the fast path, as in v1). */
export function toFlowSettings(row: FlowColumns): TriggerFlowSettings | null {
  const isWatermarkHeld = row.daily_watermark_action === 'hold' && row.daily_watermark !== null;
  const isGated =
    row.paused ||
    row.rate_limit !== null ||
    row.max_concurrency !== null ||
    row.circuit_breaker !== null ||
    isWatermarkHeld ||
    row.ordering_key_path !== null ||
    row.delivery_window !== null ||
    (row.delay_ms ?? 0) > 0 ||
    row.watermark_group !== null;
  if (!isGated) {
    return null;
  }
  return {
    triggerId: row.trigger_id,
    paused: row.paused,
    rateLimit: row.rate_limit,
    maxConcurrency: row.max_concurrency,
    circuitBreaker: row.circuit_breaker,
    watermarkHold: isWatermarkHeld
      ? {
          limit: row.daily_watermark!,
          scope: watermarkScope({ id: row.trigger_id, watermarkGroup: row.watermark_group }),
          group: row.watermark_group,
        }
      : null,
    ordering: row.ordering_key_path === null ? null : { onDeadLetter: row.ordering_on_dead_letter },
    deliveryWindow: row.delivery_window,
    delayMs: row.delay_ms,
    flowGroup: row.watermark_group,
  };
}

/** The watermark count a trigger shares: its group's, or its own. */
export function watermarkScope(trigger: { id: string; watermarkGroup: string | null }): string {
  return trigger.watermarkGroup === null
    ? `trigger:${trigger.id}`
    : `group:${trigger.watermarkGroup}`;
}
