export interface GroupCommitOptions<I, O> {
  /**
   * Writes one batch and answers each item's own outcome, in the items' order. It must isolate
   * failures itself: a rejection of the whole call becomes every item's error.
   */
  write: (items: I[]) => Promise<PromiseSettledResult<O>[]>;
  /** Batches written at the same time; an item waits only while this many are. */
  maxInFlight: number;
  /** Items per batch at most. */
  maxItems: number;
  /** Total weight per batch at most; an item heavier than this goes alone. */
  maxWeight: number;
  weigh: (item: I) => number;
}

interface Waiting<I, O> {
  item: I;
  weight: number;
  resolve: (outcome: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: concurrent writes share statements, so N of them cost one round trip and one
 * commit. An item is written at once while fewer than `maxInFlight` batches are in flight; else
 * it waits, and everything waiting leaves together (up to the caps) as soon as a batch finishes.
 * No timer: at idle a single item is written immediately, alone.
 */
export class GroupCommit<I, O> {
  private inFlight = 0;
  private waiting: Waiting<I, O>[] = [];

  constructor(private readonly options: GroupCommitOptions<I, O>) {}

  /** Settles once the batch holding `item` is written, with this item's own outcome. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, weight: this.options.weigh(item), resolve, reject });
      this.startBatches();
    });
  }

  private startBatches(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      this.inFlight++;
      void this.writeBatch(this.waiting.splice(0, this.nextBatchLength()));
    }
  }

  private nextBatchLength(): number {
    const { maxItems, maxWeight } = this.options;
    let length = 1;
    let weight = this.waiting[0].weight;
    while (
      length < Math.min(maxItems, this.waiting.length) &&
      weight + this.waiting[length].weight <= maxWeight
    ) {
      weight += this.waiting[length].weight;
      length++;
    }
    return length;
  }

  private async writeBatch(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const outcomes = await this.options.write(batch.map((waiting) => waiting.item));
      batch.forEach((waiting, i) => {
        const outcome = outcomes[i];
        if (outcome.status === 'fulfilled') {
          waiting.resolve(outcome.value);
        } else {
          waiting.reject(outcome.reason);
        }
      });
    } catch (error) {
      for (const waiting of batch) {
        waiting.reject(error);
      }
    } finally {
      this.inFlight--;
      this.startBatches();
    }
  }
}
