// Order statistics used by every metric: median and p95 over samples (nearest-rank, so a reported value is a
// value that was actually observed).

/** @param {number[]} values @param {number} q 0..1 */
export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** @param {number[]} values */
export function summarize(values) {
  const n = values.length;
  const mean = n === 0 ? NaN : values.reduce((s, v) => s + v, 0) / n;
  return { n, median: quantile(values, 0.5), p95: quantile(values, 0.95), mean,
    min: n ? Math.min(...values) : NaN, max: n ? Math.max(...values) : NaN };
}

/** Rounds for tables/JSON without turning NaN into a number. */
export function round(value, digits = 1) {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
