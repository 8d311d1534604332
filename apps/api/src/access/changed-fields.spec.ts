import fc from 'fast-check';
import { changedFields, sentFieldNames } from './changed-fields';

describe(sentFieldNames.name, () => {
  it('names the top-level fields of an object, never their values', () => {
    const sut = sentFieldNames({ name: 'x', secret: 'hunter2', action: { apiKey: 'k' } });
    expect(sut).toEqual(['name', 'secret', 'action']);
  });

  it.each([null, undefined, 'text', 42, [{ name: 'x' }]])('answers null for %p', (body) => {
    expect(sentFieldNames(body)).toBeNull();
  });

  it('leaves out keys that are no field name, and undefined ones', () => {
    const sut = sentFieldNames({
      ok: 1,
      '': 1,
      'with space': 1,
      'nul\u0000': 1,
      ['x'.repeat(65)]: 1,
      left: undefined,
    });
    expect(sut).toEqual(['ok']);
  });

  it('keeps at most 50 names, whatever the body holds', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (body) => {
        const sut = sentFieldNames(body)!;
        expect(sut.length).toBeLessThanOrEqual(50);
        expect(sut.every((name) => Object.hasOwn(body, name))).toBe(true);
      }),
    );
  });
});

describe(changedFields.name, () => {
  const before = {
    name: 'Orders',
    enabled: true,
    retryPolicy: { maxAttempts: 3, baseDelayMs: 100 },
    verification: { scheme: 'hmac-sha256', secrets: [{ value: 'sealed-a' }] },
  };

  it('lists the sent fields whose stored value changed, not the ones sent unchanged', () => {
    const sut = changedFields({
      sent: { name: 'Invoices', enabled: true, retryPolicy: { baseDelayMs: 100, maxAttempts: 3 } },
      before,
      after: { ...before, name: 'Invoices' },
    });
    expect(sut).toEqual(['name']);
  });

  it('compares a shorthand field by where it is stored', () => {
    const after = { ...before, verification: { ...before.verification, secrets: [] } };
    const storedAs = { secret: 'verification' };
    expect(changedFields({ sent: { secret: 'new' }, before, after, storedAs })).toEqual(['secret']);
    expect(changedFields({ sent: { secret: 'new' }, before, after: before, storedAs })).toEqual([]);
  });

  it('ignores fields that were not sent even when they changed', () => {
    const sut = changedFields({ sent: { name: undefined }, before, after: { ...before, x: 1 } });
    expect(sut).toEqual([]);
  });

  it('equals a class instance to the plain object with the same JSON', () => {
    class RetryPolicy {
      maxAttempts = 3;
      baseDelayMs = 100;
      jitterMs?: number;
    }
    const after = { ...before, retryPolicy: new RetryPolicy() };
    expect(changedFields({ sent: { retryPolicy: {} }, before, after })).toEqual([]);
  });
});
