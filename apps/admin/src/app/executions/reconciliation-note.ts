import { type AttemptReconciliation, RECONCILE_TRIES } from '@triggerline/contracts';

/** One line on an attempt whose unknown outcome was asked about at the gateway (SPEC §15). */
export function reconciliationNote(reconciliation: AttemptReconciliation): string {
  const { result, detail, tries } = reconciliation;
  const isLast = tries >= RECONCILE_TRIES;
  const asked = `asked the gateway (try ${tries} of ${RECONCILE_TRIES})`;
  switch (result) {
    case 'sent':
      return `Reconciled: ${asked}, the message is ${detail}. Nothing was sent again.`;
    case 'not_found':
      return isLast
        ? `Not reconciled: ${asked}, the gateway does not know the message. It is sent again, with the same message id.`
        : `Reconciling: ${asked}, the gateway does not know the message yet. Asking again.`;
    case 'pending':
    case 'unavailable': {
      const answer = result === 'pending' ? `the message is ${detail}` : `no answer (${detail})`;
      return isLast
        ? `Not reconciled: ${asked}, ${answer}. Confirm by hand.`
        : `Reconciling: ${asked}, ${answer}. Asking again.`;
    }
  }
}
