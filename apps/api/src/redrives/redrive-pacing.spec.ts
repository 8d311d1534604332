import fc from 'fast-check';
import { pauseAfterBatch, redriveBatchSize } from './redrive-pacing';

describe(redriveBatchSize.name, () => {
  it.each([
    [1, 1],
    [5, 1],
    [10, 2],
    [50, 10],
    [1000, 200],
  ])('at %i per second replays %i at a time', (rate, size) => {
    expect(redriveBatchSize(rate)).toBe(size);
  });
});

describe(pauseAfterBatch.name, () => {
  it("waits out the rest of the batch's share of a second", () => {
    expect(pauseAfterBatch({ ratePerSecond: 50, items: 10, elapsedMs: 30 })).toBe(170);
    expect(pauseAfterBatch({ ratePerSecond: 50, items: 10, elapsedMs: 500 })).toBe(0);
  });

  it('never lets n items go faster than the rate, and never pauses longer than a second', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 50 }),
        (rate, elapsed) => {
          const size = redriveBatchSize(rate);
          let clock = 0;
          for (const work of elapsed) {
            const pause = pauseAfterBatch({ ratePerSecond: rate, items: size, elapsedMs: work });
            expect(pause).toBeLessThanOrEqual(1000);
            clock += work + pause;
          }
          expect(clock).toBeGreaterThanOrEqual(((elapsed.length * size) / rate) * 1000);
        },
      ),
    );
  });
});
