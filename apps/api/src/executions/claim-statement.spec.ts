import fc from 'fast-check';
import { claimBatchSize } from './claim-statement';

describe('claimBatchSize', () => {
  it('asks for every free slot up to 16', () => {
    for (let free = 1; free <= 16; free++) {
      expect(claimBatchSize(free)).toBe(free);
    }
  });

  it('never asks for more than is free, nor for less than half of it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (free) => {
        const size = claimBatchSize(free);
        expect(Number.isInteger(size)).toBe(true);
        expect(size).toBeLessThanOrEqual(free);
        expect(size * 2).toBeGreaterThan(free);
      }),
    );
  });

  it('keeps the distinct sizes, hence prepared claims per connection, few', () => {
    const sizes = new Set(Array.from({ length: 1000 }, (_, i) => claimBatchSize(i + 1)));
    expect(sizes.size).toBe(16 + 5); // 1..16, then 32, 64, 128, 256, 512
  });

  it('refuses a claim without a free slot', () => {
    expect(() => claimBatchSize(0)).toThrow(RangeError);
    expect(() => claimBatchSize(1.5)).toThrow(RangeError);
  });
});
