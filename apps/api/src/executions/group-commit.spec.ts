import fc from 'fast-check';
import { GroupCommit, type GroupCommitOptions } from './group-commit';

type Outcomes = PromiseSettledResult<string>[];

/** A writer whose batches finish when the test says so. */
class FakeWriter {
  readonly batches: number[][] = [];
  readonly finishers: ((outcomes: Outcomes) => void)[] = [];
  readonly failers: ((error: Error) => void)[] = [];
  inFlight = 0;
  maxInFlight = 0;

  write = (items: number[]): Promise<Outcomes> => {
    this.batches.push(items);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<Outcomes>((resolve, reject) => {
      this.finishers.push((outcomes) => {
        this.inFlight--;
        resolve(outcomes);
      });
      this.failers.push((error) => {
        this.inFlight--;
        reject(error);
      });
    });
  };

  /** Finishes batch `index`: each item's outcome is `ok:<item>`, or an error for odd ones if asked. */
  finish(index: number, { isOddFailing = false } = {}): void {
    this.finishers[index](
      this.batches[index].map((item) =>
        isOddFailing && item % 2 === 1
          ? { status: 'rejected', reason: new Error(`bad ${item}`) }
          : { status: 'fulfilled', value: `ok:${item}` },
      ),
    );
  }
}

// Lets promise callbacks (the batcher's continuation after a write) run.
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe(GroupCommit.name, () => {
  let writer: FakeWriter;
  const make = (options: Partial<GroupCommitOptions<number, string>> = {}) =>
    new GroupCommit<number, string>({
      write: writer.write,
      maxInFlight: 2,
      maxItems: 100,
      maxWeight: 1_000,
      weigh: () => 1,
      ...options,
    });

  beforeEach(() => {
    writer = new FakeWriter();
  });

  it('writes a lone item at once, alone, without waiting for a timer or a tick', async () => {
    const sut = make();
    const outcome = sut.submit(7);
    expect(writer.batches).toEqual([[7]]); // synchronously, inside submit
    writer.finish(0);
    await expect(outcome).resolves.toBe('ok:7');
  });

  it('writes at once while fewer than maxInFlight batches are in flight', () => {
    const sut = make({ maxInFlight: 3 });
    void sut.submit(1);
    void sut.submit(2);
    void sut.submit(3);
    expect(writer.batches).toEqual([[1], [2], [3]]);
  });

  it('makes later items wait, and sends them together as soon as one batch finishes', async () => {
    const sut = make();
    const outcomes = [1, 2, 3, 4, 5].map((item) => sut.submit(item));
    expect(writer.batches).toEqual([[1], [2]]);
    writer.finish(1);
    await settle();
    expect(writer.batches).toEqual([[1], [2], [3, 4, 5]]);
    writer.finish(0);
    writer.finish(2);
    await expect(Promise.all(outcomes)).resolves.toEqual(['ok:1', 'ok:2', 'ok:3', 'ok:4', 'ok:5']);
    void sut.submit(6);
    expect(writer.batches[3]).toEqual([6]); // idle again: at once
  });

  it('caps a batch by items and by weight; an item heavier than the cap goes alone', async () => {
    const sut = make({ maxInFlight: 1, maxItems: 3, maxWeight: 10, weigh: (item) => item });
    for (const item of [1, 1, 1, 1, 1, 4, 5, 2, 50, 1]) {
      void sut.submit(item);
    }
    for (let i = 0; i < 5; i++) {
      writer.finish(i);
      await settle();
    }
    expect(writer.batches).toEqual([[1], [1, 1, 1], [1, 4, 5], [2], [50], [1]]);
  });

  it('gives each item its own outcome', async () => {
    const sut = make({ maxInFlight: 1 });
    const outcomes = [10, 11, 12, 13].map((item) => sut.submit(item));
    writer.finish(0);
    await settle();
    writer.finish(1, { isOddFailing: true });
    const settled = await Promise.allSettled(outcomes);
    expect(settled).toEqual([
      { status: 'fulfilled', value: 'ok:10' },
      { status: 'rejected', reason: new Error('bad 11') },
      { status: 'fulfilled', value: 'ok:12' },
      { status: 'rejected', reason: new Error('bad 13') },
    ]);
  });

  it('rejects a whole batch whose write throws, and goes on with the next', async () => {
    const sut = make({ maxInFlight: 1 });
    const first = sut.submit(1);
    const waiting = [2, 3].map((item) => sut.submit(item));
    writer.failers[0](new Error('gone'));
    await expect(first).rejects.toThrow('gone');
    expect(writer.batches).toEqual([[1], [2, 3]]);
    writer.finish(1);
    await expect(Promise.all(waiting)).resolves.toEqual(['ok:2', 'ok:3']);
  });

  it('writes every item once, in order, within the caps, never waiting while a slot is free', async () => {
    const step = fc.oneof(
      fc.record({ submit: fc.integer({ min: 1, max: 12 }) }),
      fc.record({ finish: fc.nat(), isOddFailing: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(step, { maxLength: 60 }),
        async (maxInFlight, maxItems, steps) => {
          writer = new FakeWriter();
          const maxWeight = 20;
          const sut = make({ maxInFlight, maxItems, maxWeight, weigh: (item) => item % 13 });
          const outcomes: Promise<PromiseSettledResult<string>>[] = [];
          const submitted: number[] = [];
          const finished = new Set<number>();
          for (const s of steps) {
            if ('submit' in s) {
              const item = submitted.length * 13 + s.submit; // unique; weight = s.submit
              submitted.push(item);
              outcomes.push(
                sut.submit(item).then(
                  (value) => ({ status: 'fulfilled', value }),
                  (reason: unknown) => ({ status: 'rejected', reason }),
                ),
              );
            } else {
              const open = writer.batches.map((_, i) => i).filter((i) => !finished.has(i));
              if (open.length > 0) {
                const index = open[s.finish % open.length];
                finished.add(index);
                writer.finish(index, { isOddFailing: s.isOddFailing });
                await settle();
              }
            }
            const written = writer.batches.flat().length;
            // Something waits only while every slot is taken.
            expect(written === submitted.length || writer.inFlight === maxInFlight).toBe(true);
          }
          // Finishing a batch may start the next: the loop sees the batches it adds.
          for (let i = 0; i < writer.batches.length; i++) {
            if (!finished.has(i)) {
              finished.add(i);
              writer.finish(i);
              await settle();
            }
          }
          expect(writer.batches.flat()).toEqual(submitted);
          expect(writer.maxInFlight).toBeLessThanOrEqual(maxInFlight);
          for (const batch of writer.batches) {
            expect(batch.length).toBeLessThanOrEqual(maxItems);
            const weight = batch.reduce((sum, item) => sum + (item % 13), 0);
            expect(batch.length === 1 || weight <= maxWeight).toBe(true);
          }
          const settled = await Promise.all(outcomes);
          settled.forEach((outcome, i) => {
            if (outcome.status === 'fulfilled') {
              expect(outcome.value).toBe(`ok:${submitted[i]}`);
            } else {
              expect(outcome.reason).toEqual(new Error(`bad ${submitted[i]}`));
            }
          });
        },
      ),
    );
  });
});
