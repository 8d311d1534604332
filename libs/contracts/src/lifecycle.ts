// Delivery semantics and data lifecycle (SPEC §8, §9): outcome unknown, erasure.

/** What happens after an attempt whose outcome is unknown (request sent, no status back). */
export const UNKNOWN_OUTCOME_POLICIES = ['retry', 'hold'] as const;
export type UnknownOutcomePolicy = (typeof UNKNOWN_OUTCOME_POLICIES)[number];

/** `POST /api/executions/:id/confirm`: what the operator found out downstream. */
export interface ConfirmDeliveryRequest {
  delivered: boolean;
  note?: string;
}

/** `POST /api/executions/erase`: at least one of `triggerId`, `idempotencyKey`. */
export interface EraseExecutionsRequest {
  triggerId?: string;
  idempotencyKey?: string;
  from?: string;
  to?: string;
  dryRun?: boolean;
}

export interface EraseExecutionsResult {
  matched: number;
  erased: number;
}

/** Up while any execution waits in `outcome_unknown` for an operator's confirmation. */
export interface OutcomeUnknownAlert {
  code: 'outcome_unknown';
  count: number;
}

/** `GET /api/executions` filters (besides `limit` and `cursor`). */
export interface ExecutionListQuery {
  triggerId?: string;
  status?: string;
  idempotencyKey?: string;
  from?: string;
  to?: string;
}

/** `GET /api/dead-letters` filters (besides `limit` and `cursor`). */
export interface DeadLetterListQuery {
  unresolved?: boolean;
  triggerId?: string;
  errorCategory?: string;
  from?: string;
  to?: string;
}

/**
 * A trigger's `onUnknownOutcome` when none is set: a WhatsApp message sent twice reaches a
 * person twice, so it waits for a human; an HTTP target is expected to honour Idempotency-Key.
 */
export function effectiveUnknownOutcome(
  actionType: 'http' | 'whatsapp',
  stored: UnknownOutcomePolicy | null,
): UnknownOutcomePolicy {
  return stored ?? (actionType === 'whatsapp' ? 'hold' : 'retry');
}
