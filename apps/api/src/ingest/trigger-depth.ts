// Loop guard (SPEC §8): each Triggerline hop adds one to X-Triggerline-Depth.

export const DEPTH_HEADER = 'x-triggerline-depth';

/**
 * The depth a delivery declares: 0 when absent or not a non-negative integer (only our own
 * outbound requests set it, always well-formed); the largest when the header is repeated;
 * `Number.MAX_SAFE_INTEGER` for an integer too long to read exactly.
 */
export function parseTriggerDepth(header: string | string[] | undefined): number {
  const values = header === undefined ? [] : Array.isArray(header) ? header : header.split(',');
  let depth = 0;
  for (const value of values) {
    const text = value.trim();
    if (/^\d+$/.test(text)) {
      // A depth too long to read exactly is above any MAX_TRIGGER_DEPTH: still refused.
      depth = Math.max(depth, text.length > 15 ? Number.MAX_SAFE_INTEGER : Number(text));
    }
  }
  return depth;
}

export function isTooDeep(depth: number, maxDepth: number): boolean {
  return depth > maxDepth;
}
