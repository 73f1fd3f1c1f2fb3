import type { Clock, TimerHandle } from '../broker/clock';

/**
 * Real time that a test can move forward (never back), e.g. past the duplicate-detection window
 * to redeliver a message id, while timers keep firing in real time so the broker runs as usual.
 */
export class ShiftedClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return setTimeout(callback, delayMs).unref() as unknown as TimerHandle;
  }

  clearTimeout(timer: TimerHandle | undefined): void {
    clearTimeout(timer as unknown as NodeJS.Timeout | undefined);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
