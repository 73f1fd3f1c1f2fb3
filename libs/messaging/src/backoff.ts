export interface Backoff {
  /** The delay before the first retry, before jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Exponential backoff with "equal jitter": the delay doubles per attempt up to the maximum, and a
 * random half of it is added to a fixed half, so retries that failed together spread out without
 * any of them coming back at once. `attempt` counts from 1.
 */
export function backoffDelayMs(backoff: Backoff, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(backoff.baseDelayMs * 2 ** (attempt - 1), backoff.maxDelayMs);
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
