import {
  REJECTION_REASONS,
  type RejectionReason,
  type RejectionRetryResult,
} from '@triggerline/contracts';

/** Each reason as a person reads it, in the banner, the filter and the table. */
export const REJECTION_REASON_LABELS: Record<RejectionReason, string> = {
  invalid_signature: 'invalid signature',
  signature_expired: 'signature expired',
  invalid_body: 'invalid body',
  payload_too_large: 'payload too large',
  unsupported_media_type: 'unsupported media type',
  trigger_disabled: 'trigger disabled',
  loop_detected: 'loop detected',
  invalid_verify_token: 'invalid verify token',
};

/** A retry's answer, told: `kind` picks its colour; an accepted or duplicate one names its execution. */
export interface RetryOutcome {
  kind: 'accepted' | 'duplicate' | 'filtered' | 'refused';
  text: string;
  executionId: string | null;
}

/** What a sender would have got from the retried request: 202, 200 duplicate, 200 filtered or an error. */
export function retryOutcome(result: RejectionRetryResult): RetryOutcome {
  const body = (typeof result.body === 'object' && result.body !== null ? result.body : {}) as {
    status?: unknown;
    executionId?: unknown;
    error?: unknown;
    message?: unknown;
  };
  const executionId = typeof body.executionId === 'string' ? body.executionId : null;
  const status = result.httpStatus;
  if (status === 202) {
    return { kind: 'accepted', text: '202 accepted: a new execution', executionId };
  }
  if (status === 200 && body.status === 'duplicate') {
    return { kind: 'duplicate', text: '200 duplicate of an execution', executionId };
  }
  if (status === 200 && body.status === 'filtered') {
    return {
      kind: 'filtered',
      text: "200 filtered: the trigger's filter does not keep it",
      executionId: null,
    };
  }
  const code = typeof body.error === 'string' ? ` ${body.error}` : '';
  const message = typeof body.message === 'string' ? `: ${body.message}` : '';
  return { kind: 'refused', text: `${status}${code}${message}`, executionId: null };
}

/** Stats' `rejected` as rows, most frequent first, reasons with none left out. */
export function rejectionCounts(
  rejected: Partial<Record<RejectionReason, number>>,
): { reason: RejectionReason; label: string; count: number }[] {
  return REJECTION_REASONS.flatMap((reason) => {
    const count = rejected[reason] ?? 0;
    return count > 0 ? [{ reason, label: REJECTION_REASON_LABELS[reason], count }] : [];
  }).sort((a, b) => b.count - a.count);
}
