/**
 * Fixed histogram buckets: a rollup keeps, per bucket of time, how many observations fell into each
 * of these ranges, so histograms add up across events, hours, days and tenants, and percentiles
 * are read from them. Bucket i holds values in (edges[i-1], edges[i]] (the first from 0); a
 * histogram with an overflow bucket has one more, for values above the last edge.
 *
 * The same edges are in SQL (analytics_confidence_edges(), analytics_latency_edges() in
 * migrations/analytics) for the BI views; a test holds the two equal. Changing them changes the
 * meaning of stored counts: add new columns rather than edit these.
 */
export interface HistogramBuckets {
  readonly edges: readonly number[];
  /** Whether values above the last edge have a bucket of their own. */
  readonly overflow: boolean;
}

/** Confidence in [0, 1]: finer where models are usually sure, so p95 and p99 stay meaningful. */
export const CONFIDENCE_BUCKETS: HistogramBuckets = {
  edges: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.92, 0.94, 0.96, 0.97, 0.98, 0.99, 0.995, 1],
  overflow: false,
};

/** Mapping latency in milliseconds, roughly 1-2-5 per decade up to a minute, and an overflow bucket. */
export const LATENCY_MS_BUCKETS: HistogramBuckets = {
  edges: [1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 1_500, 2_000, 3_000, 5_000, 10_000, 30_000, 60_000],
  overflow: true,
};

/** How many counts a histogram of these buckets has. */
export function bucketCount(buckets: HistogramBuckets): number {
  return buckets.edges.length + (buckets.overflow ? 1 : 0);
}

/** The bucket a value falls into. Values beyond the last edge go to the overflow bucket, or the last. */
export function bucketOf(buckets: HistogramBuckets, value: number): number {
  const { edges } = buckets;
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (value <= edges[middle]) high = middle;
    else low = middle + 1;
  }
  return low < edges.length || buckets.overflow ? low : edges.length - 1;
}

/** An empty histogram of these buckets. */
export function emptyHistogram(buckets: HistogramBuckets): number[] {
  return new Array<number>(bucketCount(buckets)).fill(0);
}

/** Adds `other` into `into`, bucket by bucket. */
export function addHistogram(into: number[], other: readonly number[]): void {
  for (let i = 0; i < into.length; i += 1) into[i] += other[i] ?? 0;
}

/**
 * The q-quantile (0 < q ≤ 1) by nearest rank: the upper edge of the bucket that holds the
 * ceil(q·n)-th smallest observation. The exact value lies in that bucket, so the answer overstates
 * it by less than the bucket's width and never understates it; in the overflow bucket the answer is
 * the last edge (the value is at least that). Null without observations.
 */
export function percentile(buckets: HistogramBuckets, counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i += 1) {
    seen += counts[i];
    if (seen >= rank) return buckets.edges[Math.min(i, buckets.edges.length - 1)];
  }
  return buckets.edges[buckets.edges.length - 1];
}
