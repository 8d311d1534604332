import { describe, expect, it } from 'vitest';
import { rejectionCounts, retryOutcome } from './rejection-outcome';

describe('retryOutcome', () => {
  it('tells accepted, duplicate, filtered and refused answers apart', () => {
    expect(
      retryOutcome({ httpStatus: 202, body: { status: 'accepted', executionId: 'e1' } }),
    ).toEqual({ kind: 'accepted', text: '202 accepted: a new execution', executionId: 'e1' });
    expect(
      retryOutcome({
        httpStatus: 200,
        body: { status: 'duplicate', executionId: 'e0', conflict: false },
      }),
    ).toMatchObject({ kind: 'duplicate', executionId: 'e0' });
    expect(retryOutcome({ httpStatus: 200, body: { status: 'filtered' } })).toMatchObject({
      kind: 'filtered',
      executionId: null,
    });
    expect(
      retryOutcome({
        httpStatus: 401,
        body: { error: 'invalid_signature', message: 'The signature does not match.' },
      }),
    ).toEqual({
      kind: 'refused',
      text: '401 invalid_signature: The signature does not match.',
      executionId: null,
    });
    expect(retryOutcome({ httpStatus: 500, body: 'oops' }).text).toBe('500');
  });
});

describe('rejectionCounts', () => {
  it('lists the reasons counted, most frequent first', () => {
    expect(
      rejectionCounts({ invalid_body: 2, invalid_signature: 12, trigger_disabled: 0 }),
    ).toEqual([
      { reason: 'invalid_signature', label: 'invalid signature', count: 12 },
      { reason: 'invalid_body', label: 'invalid body', count: 2 },
    ]);
  });
});
