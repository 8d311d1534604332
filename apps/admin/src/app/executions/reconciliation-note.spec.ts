import type { AttemptReconciliation } from '@triggerline/contracts';
import { reconciliationNote } from './reconciliation-note';

const asked = (overrides: Partial<AttemptReconciliation>): AttemptReconciliation => ({
  askedAt: '2026-12-06T10:30:00.000Z',
  tries: 1,
  result: 'sent',
  detail: 'Delivered',
  ...overrides,
});

describe('reconciliationNote', () => {
  it('says a sent message was reconciled and nothing was sent again', () => {
    expect(reconciliationNote(asked({}))).toBe(
      'Reconciled: asked the gateway (try 1 of 3), the message is Delivered. Nothing was sent again.',
    );
  });

  it('says an unknown message is asked about again, then sent again after the last try', () => {
    const notFound = { result: 'not_found' as const, detail: 'unknown id' };
    expect(reconciliationNote(asked({ ...notFound, tries: 2 }))).toContain('Asking again.');
    expect(reconciliationNote(asked({ ...notFound, tries: 3 }))).toContain(
      'It is sent again, with the same message id.',
    );
  });

  it('leaves a message without proof to the operator after the last try', () => {
    const sut = reconciliationNote(asked({ result: 'unavailable', detail: 'HTTP 500', tries: 3 }));
    expect(sut).toBe(
      'Not reconciled: asked the gateway (try 3 of 3), no answer (HTTP 500). Confirm by hand.',
    );
    expect(reconciliationNote(asked({ result: 'pending', detail: 'PENDING' }))).toContain(
      'the message is PENDING. Asking again.',
    );
  });
});
