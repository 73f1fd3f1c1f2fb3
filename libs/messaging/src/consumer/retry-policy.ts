import { Backoff, backoffDelayMs } from '../backoff';

export interface RetryPolicy extends Backoff {
  /** Deliveries before a failing message is dead-lettered (the first delivery counts). */
  maxAttempts: number;
  /** Keep below the entity's lock duration: the lock is held (and renewed) while waiting. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 };

/** How long a failed message waits before its next delivery (see `backoffDelayMs`). */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  return backoffDelayMs(policy, attempt, random);
}
