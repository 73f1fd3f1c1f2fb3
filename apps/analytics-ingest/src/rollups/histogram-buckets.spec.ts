import { addHistogram, bucketOf, CONFIDENCE_BUCKETS, emptyHistogram, LATENCY_MS_BUCKETS, percentile } from './histogram-buckets';

function histogramOf(values: number[], buckets = LATENCY_MS_BUCKETS): number[] {
  const counts = emptyHistogram(buckets);
  for (const value of values) counts[bucketOf(buckets, value)] += 1;
  return counts;
}

/** The exact nearest-rank quantile, to compare the bucketed answer with. */
function exact(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

describe('histogram buckets', () => {
  it('puts a value on an edge into the bucket that edge closes', () => {
    expect(bucketOf(CONFIDENCE_BUCKETS, 0)).toBe(0);
    expect(bucketOf(CONFIDENCE_BUCKETS, 0.1)).toBe(0);
    expect(bucketOf(CONFIDENCE_BUCKETS, 0.1000001)).toBe(1);
    expect(bucketOf(CONFIDENCE_BUCKETS, 1)).toBe(CONFIDENCE_BUCKETS.edges.length - 1);
  });

  it('keeps latencies beyond the last edge in the overflow bucket', () => {
    expect(bucketOf(LATENCY_MS_BUCKETS, 60_000)).toBe(LATENCY_MS_BUCKETS.edges.length - 1);
    expect(bucketOf(LATENCY_MS_BUCKETS, 60_001)).toBe(LATENCY_MS_BUCKETS.edges.length);
    expect(emptyHistogram(LATENCY_MS_BUCKETS)).toHaveLength(LATENCY_MS_BUCKETS.edges.length + 1);
    expect(percentile(LATENCY_MS_BUCKETS, histogramOf([90_000]), 0.5)).toBe(60_000);
  });

  it('reads a percentile as the upper edge of the bucket holding its rank', () => {
    // 100 observations: 50 of 3 ms, 45 of 40 ms, 4 of 400 ms, 1 of 4000 ms.
    const values = [...Array(50).fill(3), ...Array(45).fill(40), ...Array(4).fill(400), 4_000];
    const counts = histogramOf(values);
    expect(percentile(LATENCY_MS_BUCKETS, counts, 0.5)).toBe(5);
    expect(percentile(LATENCY_MS_BUCKETS, counts, 0.95)).toBe(50);
    expect(percentile(LATENCY_MS_BUCKETS, counts, 0.99)).toBe(500);
    expect(percentile(LATENCY_MS_BUCKETS, counts, 1)).toBe(5_000);
  });

  it('never understates the exact percentile, and overstates it by less than the bucket width', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const values = Array.from({ length: 5_000 }, () => Math.round(random() ** 3 * 20_000 * 100) / 100);
    const counts = histogramOf(values);
    for (const q of [0.5, 0.95, 0.99]) {
      const read = percentile(LATENCY_MS_BUCKETS, counts, q)!;
      const truth = exact(values, q);
      const index = LATENCY_MS_BUCKETS.edges.indexOf(read);
      const lower = index === 0 ? 0 : LATENCY_MS_BUCKETS.edges[index - 1];
      expect(read).toBeGreaterThanOrEqual(truth);
      expect(read - truth).toBeLessThan(read - lower);
    }
  });

  it('adds histograms bucket by bucket, so percentiles of a sum equal those of all observations', () => {
    const first = [0.2, 0.95, 0.99, 0.999];
    const second = [0.5, 0.97, 0.91];
    const sum = histogramOf(first, CONFIDENCE_BUCKETS);
    addHistogram(sum, histogramOf(second, CONFIDENCE_BUCKETS));
    expect(sum).toEqual(histogramOf([...first, ...second], CONFIDENCE_BUCKETS));
    expect(percentile(CONFIDENCE_BUCKETS, sum, 0.5)).toBe(0.96);
  });

  it('answers null without observations', () => {
    expect(percentile(CONFIDENCE_BUCKETS, emptyHistogram(CONFIDENCE_BUCKETS), 0.5)).toBeNull();
  });
});
