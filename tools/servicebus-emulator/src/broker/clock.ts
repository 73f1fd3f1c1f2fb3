declare const timerHandleBrand: unique symbol;

/** A callback scheduled with `Clock.setTimeout`; only the clock that returned it can cancel it. */
export type TimerHandle = { readonly [timerHandleBrand]: true };

/**
 * The broker's only source of time: lock expiry, locked-until times, TTL, scheduled enqueue,
 * the duplicate-detection window, session locks and session waits all read it, so tests can
 * replace it with a clock they move themselves.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(timer: TimerHandle | undefined): void;
}

/** Wall-clock time and Node.js timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  // Unreferenced, so pending locks, expiries and schedules never keep the process alive.
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs).unref() as unknown as TimerHandle,
  clearTimeout: (timer) => clearTimeout(timer as unknown as NodeJS.Timeout | undefined),
};
