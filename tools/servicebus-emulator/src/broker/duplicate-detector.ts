import type { Clock } from './clock';

/** Remembers message ids for a time window so that resends of the same id are dropped. */
export class DuplicateDetector {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** True when `messageId` was already accepted within the window; otherwise records it. */
  isDuplicate(messageId: string | undefined): boolean {
    if (messageId === undefined) return false;
    const now = this.clock.now();
    this.evictOlderThan(now - this.windowMs);
    if (this.seen.has(messageId)) return true;
    this.seen.set(messageId, now);
    return false;
  }

  /** Ids still inside the window, oldest first, with when each was accepted. */
  entries(): Iterable<[string, number]> {
    this.evictOlderThan(this.clock.now() - this.windowMs);
    return this.seen.entries();
  }

  /** Puts back an id accepted before a restart; journals replay them in acceptance order. */
  restore(messageId: string, acceptedAtMs: number): void {
    this.seen.delete(messageId);
    this.seen.set(messageId, acceptedAtMs);
  }

  private evictOlderThan(cutoff: number): void {
    // Insertion order is acceptance order, so expired ids are always at the front.
    for (const [id, acceptedAt] of this.seen) {
      if (acceptedAt > cutoff) break;
      this.seen.delete(id);
    }
  }
}
