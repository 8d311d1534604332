/**
 * The number of rows one claim asks for when `free` slots are free.
 *
 * The claim's LIMIT is written into its text rather than passed as a parameter: with
 * `LIMIT $1` PostgreSQL's plan cache never adopts a generic plan for it (the generic plan's
 * cost, estimated for an unknown limit, always exceeds the custom plans'), so every claim was
 * planned again, about 0.3 ms of server time each. A literal limit makes each size a prepared
 * statement of its own that is planned five times and then reused. To keep that to a few
 * statements per connection whatever WORKER_CONCURRENCY is, sizes above 16 are rounded down
 * to a power of two; the slots left over are taken by the next claim.
 */
export function claimBatchSize(free: number): number {
  if (!Number.isInteger(free) || free < 1) {
    throw new RangeError(`a claim needs at least one free slot, got ${free}`);
  }
  return free <= EXACT_CLAIM_SIZES ? free : 2 ** Math.floor(Math.log2(free));
}

const EXACT_CLAIM_SIZES = 16;
