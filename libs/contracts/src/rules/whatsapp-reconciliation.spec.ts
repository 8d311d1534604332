import fc from 'fast-check';
import {
  decideReconciliation,
  DEFAULT_RECONCILE_AFTER_MS,
  effectiveReconcileAfterMs,
  nextReconcileDelay,
  RECONCILE_TRIES,
  RECONCILIATION_RESULTS,
} from './whatsapp-reconciliation';

describe(effectiveReconcileAfterMs.name, () => {
  it("takes the action's own time, else the default, for Evolution Go (v1 rows included)", () => {
    expect(effectiveReconcileAfterMs({ provider: 'evolution-go', reconcileAfterMs: 500 })).toBe(
      500,
    );
    expect(effectiveReconcileAfterMs({ provider: 'evolution-go' })).toBe(
      DEFAULT_RECONCILE_AFTER_MS,
    );
    expect(effectiveReconcileAfterMs({})).toBe(DEFAULT_RECONCILE_AFTER_MS);
  });

  it('is null for providers without a message status route', () => {
    expect(effectiveReconcileAfterMs({ provider: 'evolution-v2' })).toBeNull();
    expect(effectiveReconcileAfterMs({ provider: 'meta-cloud', reconcileAfterMs: 500 })).toBeNull();
  });
});

describe(nextReconcileDelay.name, () => {
  it('doubles after each try', () => {
    expect([1, 2, 3].map((tries) => nextReconcileDelay(100, tries))).toEqual([200, 400, 800]);
  });

  it.each([-1, 1.5, Number.NaN])('rejects tries %p', (tries) => {
    expect(() => nextReconcileDelay(100, tries)).toThrow(RangeError);
  });
});

describe(decideReconciliation.name, () => {
  it('settles a sent message at any try', () => {
    for (let tries = 1; tries <= RECONCILE_TRIES; tries++) {
      expect(decideReconciliation('sent', tries)).toBe('succeeded');
    }
  });

  it('asks again before the last try, whatever else the gateway said', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RECONCILIATION_RESULTS.filter((result) => result !== 'sent')),
        fc.integer({ min: 1, max: RECONCILE_TRIES - 1 }),
        (result, tries) => decideReconciliation(result, tries) === 'ask_again',
      ),
    );
  });

  it('sends again only when the last answer is "not found"; else an operator decides', () => {
    expect(decideReconciliation('not_found', RECONCILE_TRIES)).toBe('retry');
    expect(decideReconciliation('pending', RECONCILE_TRIES)).toBe('operator');
    expect(decideReconciliation('unavailable', RECONCILE_TRIES)).toBe('operator');
  });
});
