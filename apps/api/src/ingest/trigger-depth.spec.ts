import fc from 'fast-check';
import { isTooDeep, parseTriggerDepth } from './trigger-depth';

describe(parseTriggerDepth.name, () => {
  it('answers 0 without the header', () => {
    expect(parseTriggerDepth(undefined)).toBe(0);
  });

  it.each([
    ['0', 0],
    ['1', 1],
    [' 8 ', 8],
    ['9', 9],
  ])('reads %p as %i', (header, depth) => {
    expect(parseTriggerDepth(header)).toBe(depth);
  });

  it.each(['', 'abc', '-1', '1.5', '0x10', '1e3'])('ignores the malformed value %p', (header) => {
    expect(parseTriggerDepth(header)).toBe(0);
  });

  it.each(['1234567890123456', '99999999999999999999999', `1${'0'.repeat(400)}`])(
    'reads the over-long integer %p as too deep for any maximum',
    (header) => {
      expect(parseTriggerDepth(header)).toBe(Number.MAX_SAFE_INTEGER);
      expect(isTooDeep(parseTriggerDepth(header), 1000)).toBe(true);
    },
  );

  it('takes the largest of repeated values, in an array or comma-joined', () => {
    expect(parseTriggerDepth(['2', '7', 'x'])).toBe(7);
    expect(parseTriggerDepth('3, 5')).toBe(5);
  });

  it('reads back every depth the worker sends', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (depth) => {
        expect(parseTriggerDepth(String(depth + 1))).toBe(depth + 1);
      }),
    );
  });
});

describe(isTooDeep.name, () => {
  it('refuses only what is above the maximum', () => {
    fc.assert(
      fc.property(fc.nat(100), fc.nat(100), (depth, max) => {
        expect(isTooDeep(depth, max)).toBe(depth > max);
      }),
    );
    expect(isTooDeep(8, 8)).toBe(false);
    expect(isTooDeep(9, 8)).toBe(true);
  });
});
