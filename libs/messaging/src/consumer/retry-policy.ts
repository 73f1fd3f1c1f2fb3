export interface RetryPolicy {
  /** Deliveries before a failing message is dead-lettered (the first delivery counts). */
  maxAttempts: number;
  baseDelayMs: number;
  /** Keep below the entity's lock duration: the lock is held (and renewed) while waiting. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 };

/** Exponential backoff with "equal jitter": between half and all of the exponential delay. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  const exponential = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Math.round(exponential / 2 + (exponential / 2) * random());
}
