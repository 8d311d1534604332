/** An original delivery as a repeated key needs it: its execution and its body's hash. */
export interface KnownOriginal {
  executionId: string;
  bodySha256: Buffer;
}

/**
 * The originals this process stored or met most recently, by trigger and key, so that a
 * repeated key (a sender's redelivery, often in bursts) is counted without looking its original
 * up. Only a hint: the statement that counts the duplicate still proves the original exists
 * (its foreign key), and a stale entry (an original erased or expired since) is forgotten.
 * Bounded: the least recently used entry leaves first.
 */
export class RecentOriginals {
  // A Map iterates in insertion order: re-inserting on use keeps the oldest first.
  private readonly entries = new Map<string, KnownOriginal>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  find(triggerId: string, key: string): KnownOriginal | undefined {
    const entry = entryKey(triggerId, key);
    const original = this.entries.get(entry);
    if (original !== undefined) {
      this.entries.delete(entry);
      this.entries.set(entry, original);
    }
    return original;
  }

  remember(triggerId: string, key: string, original: KnownOriginal): void {
    const entry = entryKey(triggerId, key);
    this.entries.delete(entry);
    this.entries.set(entry, original);
    if (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  forget(triggerId: string, key: string): void {
    this.entries.delete(entryKey(triggerId, key));
  }
}

// A trigger id is a uuid (fixed length, no space): the pair cannot be ambiguous.
const entryKey = (triggerId: string, key: string) => `${triggerId} ${key}`;
