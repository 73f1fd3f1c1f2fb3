import { BrokerError } from './broker-error';
import type { Clock, TimerHandle } from './clock';

/** The owner of a session lock; a receiver link in practice. */
export interface SessionOwner {
  sessionLockLost(): void;
}

interface SessionRecord {
  state: Buffer | undefined;
  owner: SessionOwner | undefined;
  lockedUntilMs: number;
  timer: TimerHandle | undefined;
  /** Lock tokens of messages delivered under this session lock. */
  readonly lockTokens: Set<string>;
}

interface SessionWaiter {
  readonly owner: SessionOwner;
  readonly resolve: (sessionId: string) => void;
  readonly timer: TimerHandle;
}

/** Session locks, session state and receivers waiting in acceptNextSession for one entity. */
export class SessionRegistry {
  private readonly records = new Map<string, SessionRecord>();
  private readonly waiters: SessionWaiter[] = [];

  constructor(
    private readonly lockDurationMs: number,
    private readonly clock: Clock,
    private readonly onReleased: (sessionId: string) => void,
  ) {}

  lock(sessionId: string, owner: SessionOwner): number {
    const record = this.record(sessionId);
    if (record.owner && record.owner !== owner) throw BrokerError.sessionCannotBeLocked(sessionId);
    record.owner = owner;
    this.extend(sessionId, record);
    return record.lockedUntilMs;
  }

  renew(sessionId: string): number {
    const record = this.records.get(sessionId);
    if (!record?.owner) throw BrokerError.sessionLockLost(sessionId);
    this.extend(sessionId, record);
    return record.lockedUntilMs;
  }

  isOwned(sessionId: string): boolean {
    return this.records.get(sessionId)?.owner !== undefined;
  }

  lockedUntil(sessionId: string): number | undefined {
    const record = this.records.get(sessionId);
    return record?.owner ? record.lockedUntilMs : undefined;
  }

  getState(sessionId: string): Buffer | undefined {
    return this.records.get(sessionId)?.state;
  }

  setState(sessionId: string, state: Buffer | undefined): void {
    this.record(sessionId).state = state;
  }

  trackLock(sessionId: string, lockToken: string): void {
    this.record(sessionId).lockTokens.add(lockToken);
  }

  untrackLock(sessionId: string, lockToken: string): void {
    this.records.get(sessionId)?.lockTokens.delete(lockToken);
  }

  holdsLock(sessionId: string, lockToken: string): boolean {
    const record = this.records.get(sessionId);
    return record?.owner !== undefined && record.lockTokens.has(lockToken) && this.clock.now() <= record.lockedUntilMs;
  }

  takeTrackedLocks(sessionId: string): string[] {
    const record = this.records.get(sessionId);
    if (!record) return [];
    const tokens = [...record.lockTokens];
    record.lockTokens.clear();
    return tokens;
  }

  releaseOwnedBy(owner: SessionOwner): void {
    for (const [sessionId, record] of this.records) {
      if (record.owner === owner) this.release(sessionId, record);
    }
  }

  waitForSession(owner: SessionOwner, timeoutMs: number): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.removeWaiter(owner);
        reject(BrokerError.timeout('No sessions available to accept within the requested timeout.'));
      }, timeoutMs);
      this.waiters.push({ owner, resolve, timer });
    });
  }

  hasWaiters(): boolean {
    return this.waiters.length > 0;
  }

  /** Receivers waiting in acceptNextSession. */
  get waiterCount(): number {
    return this.waiters.length;
  }

  grantToWaiter(sessionId: string): void {
    const waiter = this.waiters.shift();
    if (!waiter) return;
    this.clock.clearTimeout(waiter.timer);
    this.lock(sessionId, waiter.owner);
    waiter.resolve(sessionId);
  }

  cancelWaiter(owner: SessionOwner): void {
    const waiter = this.removeWaiter(owner);
    if (waiter) this.clock.clearTimeout(waiter.timer);
  }

  dispose(): void {
    for (const record of this.records.values()) this.clock.clearTimeout(record.timer);
    for (const waiter of this.waiters) this.clock.clearTimeout(waiter.timer);
    this.records.clear();
    this.waiters.length = 0;
  }

  private removeWaiter(owner: SessionOwner): SessionWaiter | undefined {
    const index = this.waiters.findIndex((w) => w.owner === owner);
    return index < 0 ? undefined : this.waiters.splice(index, 1)[0];
  }

  private record(sessionId: string): SessionRecord {
    let record = this.records.get(sessionId);
    if (!record) {
      record = { state: undefined, owner: undefined, lockedUntilMs: 0, timer: undefined, lockTokens: new Set() };
      this.records.set(sessionId, record);
    }
    return record;
  }

  private extend(sessionId: string, record: SessionRecord): void {
    this.clock.clearTimeout(record.timer);
    record.lockedUntilMs = this.clock.now() + this.lockDurationMs;
    record.timer = this.clock.setTimeout(() => {
      const owner = record.owner;
      this.release(sessionId, record);
      owner?.sessionLockLost();
    }, this.lockDurationMs);
  }

  private release(sessionId: string, record: SessionRecord): void {
    this.clock.clearTimeout(record.timer);
    record.timer = undefined;
    record.owner = undefined;
    this.onReleased(sessionId);
  }
}
