import { Backoff, backoffDelayMs } from '../backoff';

export interface RetryPolicy extends Backoff {
  /** Deliveries before a failing message is dead-lettered (the first delivery counts). */
  maxAttempts: number;
  /** Keep below the entity's lock duration: the lock is held (and renewed) while waiting. */
  maxDelayMs: number;
  /**
   * How long a delivery whose handler fails transiently (the database unreachable, restarting or
   * deadlocked) is retried in place, its lock held, before it is given back to the broker. Those
   * retries are not deliveries, so an outage shorter than this costs no attempt. Keep below the
   * consumer's lock renewal (5 minutes).
   */
  transientHoldMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000, transientHoldMs: 240_000 };

/** How long a failed message waits before its next delivery (see `backoffDelayMs`). */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random = Math.random): number {
  return backoffDelayMs(policy, attempt, random);
}
