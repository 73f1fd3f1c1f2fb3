import type { Clock, TimerHandle } from '../broker/clock';

interface PendingTimer {
  readonly dueAt: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when a test calls `advance`. It starts at the current wall-clock time
 * by default and never goes back, because the SDK keeps using real time and plans its lock
 * renewal from the locked-until times the broker reports: times far behind the real present
 * would make it renew at once, over and over.
 */
export class ManualClock implements Clock {
  private current: number;
  /** In the order the timers were set, which breaks ties between equal due times. */
  private readonly pending = new Map<TimerHandle, PendingTimer>();

  constructor(startMs: number = Date.now()) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  /** The callback never runs from here, only from a later `advance`, even with no delay. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    const handle = {} as TimerHandle;
    this.pending.set(handle, { dueAt: this.current + (delayMs > 0 ? delayMs : 0), callback });
    return handle;
  }

  clearTimeout(timer: TimerHandle | undefined): void {
    if (timer) this.pending.delete(timer);
  }

  /**
   * Moves time forward by `ms` and runs every timer that falls due on the way, earliest first;
   * each callback sees `now()` at its own due time. Timers that callbacks set run too if they fall
   * due before the end.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`A ManualClock only moves forwards; cannot advance by ${ms} ms.`);
    const end = this.current + ms;
    for (let due = this.firstDueBy(end); due; due = this.firstDueBy(end)) {
      const [handle, timer] = due;
      this.pending.delete(handle);
      this.current = timer.dueAt;
      timer.callback();
    }
    this.current = end;
  }

  private firstDueBy(end: number): [TimerHandle, PendingTimer] | undefined {
    let first: [TimerHandle, PendingTimer] | undefined;
    for (const entry of this.pending) {
      const dueAt = entry[1].dueAt;
      if (dueAt <= end && (!first || dueAt < first[1].dueAt)) first = entry;
    }
    return first;
  }
}
