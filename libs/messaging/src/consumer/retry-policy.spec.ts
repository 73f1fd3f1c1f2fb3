import { retryDelayMs } from './retry-policy';

const policy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 };

describe('retryDelayMs', () => {
  it('doubles per attempt, between half and all of the exponential delay', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs(policy, attempt, () => 0))).toEqual([500, 1_000, 2_000]);
    expect([1, 2, 3].map((attempt) => retryDelayMs(policy, attempt, () => 1))).toEqual([1_000, 2_000, 4_000]);
  });

  it('never exceeds the maximum delay', () => {
    expect(retryDelayMs(policy, 20, () => 1)).toBe(30_000);
    expect(retryDelayMs(policy, 20, () => 0)).toBe(15_000);
  });
});
