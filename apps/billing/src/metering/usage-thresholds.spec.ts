import { thresholdsReached } from './usage-thresholds';

describe('thresholdsReached', () => {
  it('reaches 80 % and 100 % exactly at their counts', () => {
    expect(thresholdsReached(799, 1_000)).toEqual([]);
    expect(thresholdsReached(800, 1_000)).toEqual([80]);
    expect(thresholdsReached(999, 1_000)).toEqual([80]);
    expect(thresholdsReached(1_000, 1_000)).toEqual([80, 100]);
    expect(thresholdsReached(5_000, 1_000)).toEqual([80, 100]);
  });

  it('never reaches anything on an unlimited plan', () => {
    expect(thresholdsReached(Number.MAX_SAFE_INTEGER, null)).toEqual([]);
  });

  it('does not round: 80 % of 7 is 5.6 records, reached at 6', () => {
    expect(thresholdsReached(5, 7)).toEqual([]);
    expect(thresholdsReached(6, 7)).toEqual([80]);
  });
});
