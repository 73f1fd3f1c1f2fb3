import { backoffDelayMs } from './backoff';

const backoff = { baseDelayMs: 1_000, maxDelayMs: 30_000 };

describe('backoffDelayMs', () => {
  it('doubles per attempt, between half and all of the exponential delay', () => {
    expect([1, 2, 3].map((attempt) => backoffDelayMs(backoff, attempt, () => 0))).toEqual([500, 1_000, 2_000]);
    expect([1, 2, 3].map((attempt) => backoffDelayMs(backoff, attempt, () => 1))).toEqual([1_000, 2_000, 4_000]);
    expect(backoffDelayMs(backoff, 3, () => 0.5)).toBe(3_000);
  });

  it('never exceeds the maximum delay, however many attempts', () => {
    expect(backoffDelayMs(backoff, 20, () => 1)).toBe(30_000);
    expect(backoffDelayMs(backoff, 20, () => 0)).toBe(15_000);
    expect(backoffDelayMs(backoff, 10_000, () => 1)).toBe(30_000);
  });

  it('draws from Math.random when given no source, staying within the bounds', () => {
    for (let i = 0; i < 100; i++) {
      const delay = backoffDelayMs(backoff, 2);
      expect(delay).toBeGreaterThanOrEqual(1_000);
      expect(delay).toBeLessThanOrEqual(2_000);
    }
  });
});
