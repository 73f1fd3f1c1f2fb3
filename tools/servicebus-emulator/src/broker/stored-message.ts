import type { Clock, TimerHandle } from './clock';
import type { MessageContent } from './message-content';

export type MessageState = 'active' | 'deferred' | 'scheduled';

/** A peekLock lock on a message, held by a receiver link or by a receive-by-sequence-number call. */
export interface MessageLock {
  readonly token: string;
  lockedUntilMs: number;
  timer?: TimerHandle;
  /** True when the message was deferred before being locked; abandoning it keeps it deferred. */
  readonly fromDeferred: boolean;
}

/** One message as held by one queue or subscription (each subscription holds its own copy). */
export class StoredMessage {
  deliveryCount = 0;
  lock: MessageLock | undefined;
  /** TTL or scheduled-activation timer. */
  timer: TimerHandle | undefined;
  expired = false;
  deadLetterSource: string | undefined;

  constructor(
    public content: MessageContent,
    readonly sequenceNumber: number,
    public enqueuedTimeMs: number,
    public state: MessageState,
    public expiresAtMs: number | undefined,
    readonly scheduledEnqueueTimeMs: number | undefined,
  ) {}

  get sessionId(): string | undefined {
    return this.content.properties.group_id ?? undefined;
  }

  get messageId(): string | undefined {
    const id = this.content.properties.message_id;
    return id === undefined || id === null ? undefined : String(id);
  }

  clearTimers(clock: Clock): void {
    clock.clearTimeout(this.timer);
    clock.clearTimeout(this.lock?.timer);
    this.timer = undefined;
  }
}
