// A redrive replays in small batches, about five a second, each followed by the pause that
// keeps it at its rate: n items never take less than (n - first batch) / rate seconds.

const BATCHES_PER_SECOND = 5;

export function redriveBatchSize(ratePerSecond: number): number {
  return Math.max(1, Math.ceil(ratePerSecond / BATCHES_PER_SECOND));
}

/** How long to wait after a batch of `items` that took `elapsedMs`, to hold `ratePerSecond`. */
export function pauseAfterBatch(input: {
  ratePerSecond: number;
  items: number;
  elapsedMs: number;
}): number {
  return Math.max(0, Math.ceil((input.items * 1000) / input.ratePerSecond) - input.elapsedMs);
}
