import { backoffDelayMs } from '../backoff';
import { retryDelayMs } from './retry-policy';

const policy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000, transientHoldMs: 240_000 };

describe('retryDelayMs', () => {
  it("is the shared backoff over the policy's delays", () => {
    for (const attempt of [1, 2, 3, 6, 20]) {
      for (const draw of [0, 0.25, 1]) {
        expect(retryDelayMs(policy, attempt, () => draw)).toBe(backoffDelayMs(policy, attempt, () => draw));
      }
    }
  });

  it('doubles per attempt, between half and all of the exponential delay, up to the maximum', () => {
    expect([1, 2, 3].map((attempt) => retryDelayMs(policy, attempt, () => 0))).toEqual([500, 1_000, 2_000]);
    expect([1, 2, 3].map((attempt) => retryDelayMs(policy, attempt, () => 1))).toEqual([1_000, 2_000, 4_000]);
    expect(retryDelayMs(policy, 20, () => 1)).toBe(30_000);
  });
});
