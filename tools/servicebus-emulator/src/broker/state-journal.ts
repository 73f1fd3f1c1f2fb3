import type { MessageContent } from './message-content';
import type { MessageState } from './stored-message';

/** What a journal records of one held message; `StoredMessage` is one. */
export interface MessageSnapshot {
  readonly content: MessageContent;
  readonly sequenceNumber: number;
  readonly enqueuedTimeMs: number;
  readonly state: MessageState;
  readonly expiresAtMs: number | undefined;
  readonly scheduledEnqueueTimeMs: number | undefined;
  readonly deliveryCount: number;
}

/**
 * Where the broker reports each change of the state it must not lose (messages held, their
 * delivery counts and states, accepted ids of duplicate detection), right after making it in
 * memory, which stays the source of truth. Acknowledgements of those changes go out through
 * `afterDurable`, so a durable journal can hold them until its records are on disk.
 */
export interface StateJournal {
  /** A message was enqueued, or its state, delivery count or properties changed. */
  messageStored(entityPath: string, message: MessageSnapshot): void;
  /** A message left the entity (completed, received and deleted, expired, dead-lettered, cancelled). */
  messageRemoved(entityPath: string, sequenceNumber: number): void;
  duplicateIdAccepted(targetPath: string, messageId: string, acceptedAtMs: number): void;
  /**
   * Runs `callback` once every change reported so far is durable (at once when nothing waits), or
   * with the error that keeps it from becoming durable.
   */
  afterDurable(callback: (error?: Error) => void): void;
}

/** The in-memory emulator: nothing is recorded and every acknowledgement goes out at once. */
export const inMemoryJournal: StateJournal = {
  messageStored: () => undefined,
  messageRemoved: () => undefined,
  duplicateIdAccepted: () => undefined,
  afterDurable: (callback) => callback(),
};
