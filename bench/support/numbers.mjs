// Small numeric helpers shared by the phases.

export function median(values) {
  return percentile(values, 0.5);
}

/** Nearest-rank percentile of `values` (0 < q ≤ 1). */
export function percentile(values, q) {
  if (values.length === 0) {
    return NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** 12,345 / 12.3 / 0.123: enough digits to read, never more. */
export function fmt(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) {
    return 'n/a';
  }
  const places = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', {
    minimumFractionDigits: places,
    maximumFractionDigits: places,
  });
}

/** value ÷ baseline, to the two decimals shown, so that a check agrees with what it prints. */
export const ratio = (value, baseline) =>
  baseline > 0 ? Math.round((value / baseline) * 100) / 100 : NaN;
