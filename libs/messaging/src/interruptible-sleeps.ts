/**
 * Timed waits that can all be ended early at once: a relay worker's poll interval cut short by a
 * NOTIFY, or a consumer's retry backoff cut short when it stops.
 */
export class InterruptibleSleeps {
  private readonly wakers = new Set<() => void>();

  /** Resolves after `ms`, or at the next wakeAll, whichever comes first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  wakeAll(): void {
    for (const wake of [...this.wakers]) wake();
  }
}
