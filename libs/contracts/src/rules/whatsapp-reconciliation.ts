import { effectiveProvider, type WhatsappProvider } from './whatsapp-request';

// SPEC §15 "Reconciling unknown outcomes": a gateway that can be asked about a message by its
// client id is asked, a few times with backoff, before anything is sent again.

/** When an `outcome_unknown` execution is first asked about, when the trigger names no time. */
export const DEFAULT_RECONCILE_AFTER_MS = 60_000;
export const MIN_RECONCILE_AFTER_MS = 100;
export const MAX_RECONCILE_AFTER_MS = 86_400_000;

/** How many times the gateway is asked before the last answer decides. */
export const RECONCILE_TRIES = 3;

/** The providers with a message status route: Evolution Go's `POST /message/status { id }`. */
export function isReconcilable(provider: WhatsappProvider): boolean {
  return provider === 'evolution-go';
}

/**
 * The action's effective `reconcileAfterMs`: its own or the default for a provider that can be
 * asked; null for one that cannot (an operator confirms its unknown outcomes by hand).
 */
export function effectiveReconcileAfterMs(action: {
  provider?: WhatsappProvider;
  reconcileAfterMs?: number | null;
}): number | null {
  if (!isReconcilable(effectiveProvider(action))) {
    return null;
  }
  return action.reconcileAfterMs ?? DEFAULT_RECONCILE_AFTER_MS;
}

/** How long after try `tries` (0: the attempt itself) the next one is: doubling each time. */
export function nextReconcileDelay(reconcileAfterMs: number, tries: number): number {
  if (!Number.isInteger(tries) || tries < 0) {
    throw new RangeError(`tries must be an integer >= 0, got ${tries}`);
  }
  return reconcileAfterMs * 2 ** tries;
}

/**
 * What one question to the gateway found: the message went out (`sent`), the gateway has it but
 * has not sent it yet (`pending`), the gateway does not know it (`not_found`), or no usable
 * answer came (`unavailable`).
 */
export const RECONCILIATION_RESULTS = ['sent', 'pending', 'not_found', 'unavailable'] as const;
export type ReconciliationResult = (typeof RECONCILIATION_RESULTS)[number];

/** On the attempt whose outcome was unknown: the last time the gateway was asked about it. */
export interface AttemptReconciliation {
  askedAt: string;
  /** 1 to RECONCILE_TRIES. */
  tries: number;
  result: ReconciliationResult;
  /** The gateway's own status of the message (for example `Delivered`), else why none came. */
  detail: string;
}

/**
 * Where the execution goes after a question: `succeeded` (nothing is sent again), `retry` (as
 * after a transient failure; the message goes out again with the same id), `ask_again` later,
 * or `operator` (it stays `outcome_unknown` for a person to confirm).
 */
export type ReconciliationDecision = 'succeeded' | 'retry' | 'ask_again' | 'operator';

export function decideReconciliation(
  result: ReconciliationResult,
  tries: number,
): ReconciliationDecision {
  if (result === 'sent') {
    return 'succeeded';
  }
  if (tries < RECONCILE_TRIES) {
    return 'ask_again';
  }
  // Only a gateway that answered "unknown" on the last try proves nothing went out.
  return result === 'not_found' ? 'retry' : 'operator';
}
