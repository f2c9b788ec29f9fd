/**
 * `histogram_quantile(q, buckets)` with Prometheus 2.42 semantics (promql/quantile.go
 * bucketQuantile): buckets are cumulative counts by upper bound `le`; the +Inf bucket must be
 * present; counts are made monotonic (scrapes of different buckets are not atomic); the quantile is
 * interpolated linearly inside the bucket it falls in, from the previous bucket's upper bound (0 for
 * the first bucket if its bound is positive); if it falls in the +Inf bucket, the highest finite
 * bound is returned. q < 0 → -Inf, q > 1 → +Inf; NaN when there are no observations, fewer than
 * two buckets or no +Inf bucket.
 */
export function histogramQuantile(q: number, buckets: readonly { le: number; count: number }[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  // Buckets with the same bound (duplicates after relabelling) are merged (coalesceBuckets).
  const merged: { le: number; count: number }[] = [];
  for (const bucket of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.le === bucket.le) last.count += bucket.count;
    else merged.push({ ...bucket });
  }
  if (merged.length < 2 || merged[merged.length - 1].le !== Number.POSITIVE_INFINITY) return Number.NaN;
  // ensureMonotonic: a count lower than the one before is raised to it.
  for (let i = 1; i < merged.length; i++) if (merged[i].count < merged[i - 1].count) merged[i].count = merged[i - 1].count;
  const observations = merged[merged.length - 1].count;
  if (!(observations > 0)) return Number.NaN;
  let rank = q * observations;
  let b = merged.findIndex((bucket) => bucket.count >= rank);
  if (b < 0) b = merged.length - 1;
  if (b === merged.length - 1) return merged[merged.length - 2].le;
  if (b === 0 && merged[0].le <= 0) return merged[0].le;
  const end = merged[b].le;
  let start = 0;
  let count = merged[b].count;
  if (b > 0) {
    start = merged[b - 1].le;
    count -= merged[b - 1].count;
    rank -= merged[b - 1].count;
  }
  return start + (end - start) * (rank / count);
}
