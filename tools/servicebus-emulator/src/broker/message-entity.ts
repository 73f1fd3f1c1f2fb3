import { randomUUID } from 'node:crypto';
import { amqp, TypedValue } from '../amqp/amqp-encoding';
import type { ResolvedEntitySettings } from '../topology';
import { BrokerError } from './broker-error';
import type { Clock } from './clock';
import type { MessageContent } from './message-content';
import { SequenceHeap } from './sequence-heap';
import { SessionRegistry } from './session-registry';
import type { MessageSnapshot, StateJournal } from './state-journal';
import { MessageState, StoredMessage } from './stored-message';

export type ReceiveMode = 'peekLock' | 'receiveAndDelete';

/** A receiver link as the entity sees it. */
export interface MessageConsumer {
  readonly receiveMode: ReceiveMode;
  /** The session this receiver holds; undefined on entities without sessions. */
  readonly sessionId: string | undefined;
  availableCredit(): number;
  deliver(bytes: Buffer, lockToken: string | undefined): void;
  /** The session lock expired while held: the receiver must be detached. */
  sessionLockLost(): void;
}

export type Settlement =
  | { kind: 'complete' }
  | { kind: 'abandon'; properties?: Record<string, unknown> }
  | { kind: 'defer'; properties?: Record<string, unknown> }
  | { kind: 'deadLetter'; reason?: string; description?: string; properties?: Record<string, unknown> };

const NO_SESSION = '';
const STATE_CODE: Record<MessageState, number> = { active: 0, deferred: 1, scheduled: 2 };

/**
 * A queue, a subscription or a dead-letter queue: ordered messages, peekLock locks, delivery
 * counts, TTL, deferral, scheduling and (when required) sessions.
 */
export class MessageEntity {
  private nextSequenceNumber = 1;
  /** Every message the entity holds, in insertion order, keyed by sequence number. */
  private readonly messages = new Map<number, StoredMessage>();
  /** Available (active, unlocked) messages per session; non-session entities use one key. */
  private readonly ready = new Map<string, SequenceHeap>();
  private readonly locks = new Map<string, StoredMessage>();
  private readonly consumers = new Set<MessageConsumer>();
  readonly sessions: SessionRegistry;
  private dispatching = false;
  private dispatchAgain = false;

  constructor(
    readonly path: string,
    readonly settings: ResolvedEntitySettings,
    readonly deadLetterQueue: MessageEntity | undefined,
    private readonly clock: Clock,
    private readonly journal: StateJournal,
  ) {
    this.sessions = new SessionRegistry(settings.lockDurationMs, clock, (sessionId) => this.onSessionReleased(sessionId));
  }

  get requiresSession(): boolean {
    return this.settings.requiresSession;
  }

  /** The sequence number the next enqueued message gets. */
  get nextSequence(): number {
    return this.nextSequenceNumber;
  }

  /** Every message held, in any state; locks are not part of what a journal keeps. */
  storedMessages(): IterableIterator<StoredMessage> {
    return this.messages.values();
  }

  /**
   * Puts back a message read from a journal at start, before any receiver attaches. A message
   * that was locked comes back available, as after a lock expiry; due timers fire on the next turn.
   */
  restore(snapshot: MessageSnapshot): void {
    const now = this.clock.now();
    const message = new StoredMessage(
      snapshot.content,
      snapshot.sequenceNumber,
      snapshot.enqueuedTimeMs,
      snapshot.state,
      snapshot.expiresAtMs,
      snapshot.scheduledEnqueueTimeMs,
    );
    message.deliveryCount = snapshot.deliveryCount;
    this.messages.set(message.sequenceNumber, message);
    this.restoreSequence(message.sequenceNumber + 1);
    if (message.state === 'scheduled') {
      const dueInMs = Math.max(0, (message.scheduledEnqueueTimeMs ?? now) - now);
      message.timer = this.clock.setTimeout(() => this.activateScheduled(message), dueInMs);
      return;
    }
    if (message.expiresAtMs !== undefined) {
      message.timer = this.clock.setTimeout(() => this.onExpired(message), Math.max(0, message.expiresAtMs - now));
    }
    if (message.state === 'active') this.makeReady(message);
  }

  /** Never hands out a sequence number below `next` again (numbers of removed messages included). */
  restoreSequence(next: number): void {
    this.nextSequenceNumber = Math.max(this.nextSequenceNumber, next);
  }

  /** Number of messages held in any state (for tests and diagnostics). */
  get messageCount(): number {
    return this.messages.size;
  }

  enqueue(content: MessageContent, scheduledEnqueueTimeMs?: number): number {
    const now = this.clock.now();
    const sequenceNumber = this.nextSequenceNumber++;
    const scheduled = scheduledEnqueueTimeMs !== undefined && scheduledEnqueueTimeMs > now;
    const message = new StoredMessage(
      content,
      sequenceNumber,
      now,
      scheduled ? 'scheduled' : 'active',
      undefined,
      scheduledEnqueueTimeMs,
    );
    this.messages.set(sequenceNumber, message);
    if (scheduled) {
      message.timer = this.clock.setTimeout(() => this.activateScheduled(message), scheduledEnqueueTimeMs - now);
      this.journal.messageStored(this.path, message);
    } else {
      this.activate(message, now);
    }
    return sequenceNumber;
  }

  /** Moves a message here from its source entity, keeping its sequence number and history. */
  acceptDeadLetter(source: StoredMessage, reason: string, description: string | undefined, properties?: Record<string, unknown>): void {
    const content = source.content.withApplicationProperties({
      ...properties,
      DeadLetterReason: reason,
      DeadLetterErrorDescription: description,
    });
    const message = new StoredMessage(content, source.sequenceNumber, source.enqueuedTimeMs, 'active', undefined, undefined);
    message.deliveryCount = source.deliveryCount;
    this.messages.set(message.sequenceNumber, message);
    this.journal.messageStored(this.path, message);
    this.makeReady(message);
    this.dispatch();
  }

  addConsumer(consumer: MessageConsumer): void {
    this.consumers.add(consumer);
    this.dispatch();
  }

  removeConsumer(consumer: MessageConsumer): void {
    this.consumers.delete(consumer);
    this.sessions.releaseOwnedBy(consumer);
    this.sessions.cancelWaiter(consumer);
  }

  /** Hands available messages to receivers with credit, oldest first. */
  dispatch(): void {
    if (this.dispatching) {
      this.dispatchAgain = true;
      return;
    }
    this.dispatching = true;
    try {
      do {
        this.dispatchAgain = false;
        let delivered = true;
        while (delivered) {
          delivered = false;
          for (const consumer of this.consumers) {
            if (consumer.availableCredit() <= 0) continue;
            const key = this.requiresSession ? consumer.sessionId : NO_SESSION;
            if (key === undefined) continue;
            const message = this.takeReady(key);
            if (!message) continue;
            this.deliver(message, consumer);
            delivered = true;
          }
        }
      } while (this.dispatchAgain);
    } finally {
      this.dispatching = false;
    }
  }

  settle(lockToken: string, settlement: Settlement): void {
    const message = this.lockedMessage(lockToken);
    this.releaseLock(message);
    switch (settlement.kind) {
      case 'complete':
        this.remove(message);
        return;
      case 'abandon':
        if (settlement.properties) message.content = message.content.withApplicationProperties(settlement.properties);
        this.returnAfterFailedAttempt(message, message.state === 'deferred' ? 'deferred' : 'active');
        return;
      case 'defer':
        if (settlement.properties) message.content = message.content.withApplicationProperties(settlement.properties);
        this.returnAfterFailedAttempt(message, 'deferred');
        return;
      case 'deadLetter':
        this.deadLetter(message, settlement.reason ?? '', settlement.description, settlement.properties);
        return;
    }
  }

  renewLock(lockToken: string): number {
    const message = this.lockedMessage(lockToken);
    const lock = message.lock!;
    if (this.requiresSession) return lock.lockedUntilMs;
    lock.lockedUntilMs = this.clock.now() + this.settings.lockDurationMs;
    this.clock.clearTimeout(lock.timer);
    lock.timer = this.clock.setTimeout(() => this.onLockExpired(message), this.settings.lockDurationMs);
    return lock.lockedUntilMs;
  }

  /** Encoded messages in sequence order from `fromSequenceNumber`, without locking them. */
  peek(fromSequenceNumber: number, count: number, sessionId: string | undefined): Buffer[] {
    const now = this.clock.now();
    const matches: StoredMessage[] = [];
    for (const message of this.messages.values()) {
      if (message.sequenceNumber < fromSequenceNumber) continue;
      if (sessionId !== undefined && message.sessionId !== sessionId) continue;
      if (message.expiresAtMs !== undefined && message.expiresAtMs <= now && !message.lock) continue;
      matches.push(message);
    }
    matches.sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    return matches.slice(0, count).map((message) => this.encode(message, undefined));
  }

  /** Locks (peekLock) or removes (receiveAndDelete) deferred messages by sequence number. */
  receiveDeferred(sequenceNumbers: number[], mode: ReceiveMode, sessionId: string | undefined): Array<{ bytes: Buffer; lockToken?: string }> {
    const found = sequenceNumbers.map((sequenceNumber) => {
      const message = this.messages.get(sequenceNumber);
      if (!message || message.state !== 'deferred' || message.lock || (sessionId !== undefined && message.sessionId !== sessionId)) {
        throw BrokerError.messageNotFound(`The message with sequence number ${sequenceNumber} was not found or is not deferred.`);
      }
      return message;
    });
    return found.map((message) => {
      if (mode === 'receiveAndDelete') {
        const bytes = this.encode(message, undefined);
        this.remove(message);
        return { bytes };
      }
      const token = this.lock(message);
      return { bytes: this.encode(message, message.lock!.lockedUntilMs), lockToken: token };
    });
  }

  cancelScheduled(sequenceNumbers: number[]): void {
    for (const sequenceNumber of sequenceNumbers) {
      const message = this.messages.get(sequenceNumber);
      if (message?.state === 'scheduled') this.remove(message);
    }
  }

  /** Session ids that currently hold messages. */
  activeSessionIds(): string[] {
    const ids = new Set<string>();
    for (const message of this.messages.values()) {
      if (message.sessionId !== undefined) ids.add(message.sessionId);
    }
    return [...ids];
  }

  /** Grants the session to `consumer`, or waits up to `timeoutMs` for any free session with messages. */
  async acceptSession(consumer: MessageConsumer, sessionId: string | undefined, timeoutMs: number): Promise<string> {
    if (sessionId !== undefined) {
      this.sessions.lock(sessionId, consumer);
      return sessionId;
    }
    const free = this.nextFreeSession();
    if (free !== undefined) {
      this.sessions.lock(free, consumer);
      return free;
    }
    return this.sessions.waitForSession(consumer, timeoutMs);
  }

  /** Called after a session receiver is bound, so messages start flowing to it. */
  sessionAccepted(): void {
    this.dispatch();
  }

  dispose(): void {
    for (const message of this.messages.values()) message.clearTimers(this.clock);
    this.messages.clear();
    this.locks.clear();
    this.sessions.dispose();
    this.deadLetterQueue?.dispose();
  }

  private activate(message: StoredMessage, now: number): void {
    message.state = 'active';
    message.enqueuedTimeMs = now;
    const ttl = this.timeToLive(message);
    if (ttl !== undefined) {
      message.expiresAtMs = now + ttl;
      message.timer = this.clock.setTimeout(() => this.onExpired(message), ttl);
    }
    // Recorded before dispatch, which may remove it at once (receiveAndDelete) and record that.
    this.journal.messageStored(this.path, message);
    this.makeReady(message);
    this.dispatch();
  }

  private activateScheduled(message: StoredMessage): void {
    message.timer = undefined;
    if (this.messages.get(message.sequenceNumber) !== message) return;
    this.activate(message, this.clock.now());
  }

  private timeToLive(message: StoredMessage): number | undefined {
    const fromMessage = message.content.header.ttl;
    const fromEntity = this.settings.defaultMessageTtlMs;
    if (fromMessage === undefined || fromMessage === null) return fromEntity;
    return fromEntity === undefined ? fromMessage : Math.min(fromMessage, fromEntity);
  }

  private makeReady(message: StoredMessage): void {
    const key = this.requiresSession ? (message.sessionId ?? NO_SESSION) : NO_SESSION;
    let heap = this.ready.get(key);
    if (!heap) {
      heap = new SequenceHeap();
      this.ready.set(key, heap);
    }
    heap.push(message.sequenceNumber);
    if (this.requiresSession && !this.sessions.isOwned(key) && this.sessions.hasWaiters()) {
      this.sessions.grantToWaiter(key);
    }
  }

  private takeReady(key: string): StoredMessage | undefined {
    const heap = this.ready.get(key);
    if (!heap) return undefined;
    for (;;) {
      const sequenceNumber = heap.pop();
      if (sequenceNumber === undefined) return undefined;
      const message = this.messages.get(sequenceNumber);
      // Entries go stale when a message was settled, deferred or expired after being queued.
      if (message && message.state === 'active' && !message.lock && !message.expired) return message;
    }
  }

  private nextFreeSession(): string | undefined {
    let best: string | undefined;
    let oldest = Infinity;
    for (const [sessionId, heap] of this.ready) {
      if (sessionId === NO_SESSION || heap.size === 0 || this.sessions.isOwned(sessionId)) continue;
      const first = heap.peek()!;
      if (first < oldest && this.hasAvailable(sessionId)) {
        oldest = first;
        best = sessionId;
      }
    }
    return best;
  }

  private hasAvailable(sessionId: string): boolean {
    for (const message of this.messages.values()) {
      if (message.sessionId === sessionId && message.state === 'active' && !message.lock) return true;
    }
    return false;
  }

  private deliver(message: StoredMessage, consumer: MessageConsumer): void {
    if (consumer.receiveMode === 'receiveAndDelete') {
      const bytes = this.encode(message, undefined);
      this.remove(message);
      consumer.deliver(bytes, undefined);
      return;
    }
    const token = this.lock(message);
    consumer.deliver(this.encode(message, message.lock!.lockedUntilMs), token);
  }

  private lock(message: StoredMessage): string {
    const token = randomUUID();
    const fromDeferred = message.state === 'deferred';
    if (this.requiresSession && message.sessionId !== undefined) {
      const lockedUntilMs = this.sessions.lockedUntil(message.sessionId) ?? this.clock.now() + this.settings.lockDurationMs;
      message.lock = { token, lockedUntilMs, fromDeferred };
      this.sessions.trackLock(message.sessionId, token);
    } else {
      const lockedUntilMs = this.clock.now() + this.settings.lockDurationMs;
      const timer = this.clock.setTimeout(() => this.onLockExpired(message), this.settings.lockDurationMs);
      message.lock = { token, lockedUntilMs, timer, fromDeferred };
    }
    this.locks.set(token, message);
    return token;
  }

  private lockedMessage(lockToken: string): StoredMessage {
    const message = this.locks.get(lockToken);
    if (!message || !message.lock) {
      // Session messages are locked by their session; an unknown token means that lock ended.
      throw this.requiresSession ? BrokerError.sessionLockLost('') : BrokerError.lockLost();
    }
    if (this.requiresSession && message.sessionId !== undefined && !this.sessions.holdsLock(message.sessionId, lockToken)) {
      throw BrokerError.sessionLockLost(message.sessionId);
    }
    return message;
  }

  private releaseLock(message: StoredMessage): void {
    const lock = message.lock;
    if (!lock) return;
    this.clock.clearTimeout(lock.timer);
    this.locks.delete(lock.token);
    if (message.sessionId !== undefined) this.sessions.untrackLock(message.sessionId, lock.token);
    message.lock = undefined;
  }

  private onLockExpired(message: StoredMessage): void {
    if (!message.lock) return;
    const state = message.lock.fromDeferred ? 'deferred' : 'active';
    this.releaseLock(message);
    this.returnAfterFailedAttempt(message, state);
  }

  /** A session lock ended (receiver closed or lock expired): its locked messages become available again. */
  private onSessionReleased(sessionId: string): void {
    for (const token of this.sessions.takeTrackedLocks(sessionId)) {
      const message = this.locks.get(token);
      if (!message || !message.lock) continue;
      const state = message.lock.fromDeferred ? 'deferred' : 'active';
      this.releaseLock(message);
      this.returnAfterFailedAttempt(message, state);
    }
    if (this.sessions.hasWaiters() && this.hasAvailable(sessionId)) this.sessions.grantToWaiter(sessionId);
    this.dispatch();
  }

  /** Abandon, defer and lock expiry all count as a failed delivery attempt. */
  private returnAfterFailedAttempt(message: StoredMessage, state: MessageState): void {
    message.deliveryCount++;
    if (message.expired) {
      this.expire(message);
      return;
    }
    if (message.deliveryCount >= this.settings.maxDeliveryCount) {
      this.deadLetter(
        message,
        'MaxDeliveryCountExceeded',
        `Message could not be consumed after ${this.settings.maxDeliveryCount} delivery attempts.`,
      );
      return;
    }
    message.state = state;
    this.journal.messageStored(this.path, message);
    if (state === 'active') {
      this.makeReady(message);
      this.dispatch();
    }
  }

  private onExpired(message: StoredMessage): void {
    message.timer = undefined;
    if (this.messages.get(message.sequenceNumber) !== message) return;
    message.expired = true;
    // A locked message may still be completed; it expires when its lock ends.
    if (!message.lock) this.expire(message);
  }

  private expire(message: StoredMessage): void {
    if (this.settings.deadLetteringOnMessageExpiration) {
      this.deadLetter(message, 'TTLExpiredException', 'The message expired and was dead lettered.');
    } else {
      this.remove(message);
    }
  }

  private deadLetter(message: StoredMessage, reason: string, description: string | undefined, properties?: Record<string, unknown>): void {
    // Into the dead-letter queue first: a journal torn between the two records keeps the message twice, never loses it.
    this.deadLetterQueue?.acceptDeadLetter(message, reason, description, properties);
    this.remove(message);
  }

  private remove(message: StoredMessage): void {
    message.clearTimers(this.clock);
    this.releaseLock(message);
    this.messages.delete(message.sequenceNumber);
    this.journal.messageRemoved(this.path, message.sequenceNumber);
  }

  private encode(message: StoredMessage, lockedUntilMs: number | undefined): Buffer {
    const annotations = new Map<string, TypedValue>([
      ['x-opt-sequence-number', amqp.wrap_long(message.sequenceNumber)],
      ['x-opt-enqueued-time', amqp.wrap_timestamp(message.enqueuedTimeMs)],
      ['x-opt-message-state', amqp.wrap_int(STATE_CODE[message.state])],
    ]);
    if (lockedUntilMs !== undefined) annotations.set('x-opt-locked-until', amqp.wrap_timestamp(lockedUntilMs));
    if (message.scheduledEnqueueTimeMs !== undefined) {
      annotations.set('x-opt-scheduled-enqueue-time', amqp.wrap_timestamp(message.scheduledEnqueueTimeMs));
    }
    return message.content.encode(message.deliveryCount, annotations);
  }
}
