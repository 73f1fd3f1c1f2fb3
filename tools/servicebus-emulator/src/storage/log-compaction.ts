import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { EntityStore } from '../broker/entity-store';
import type { MessageSnapshot } from '../broker/state-journal';
import { Topic } from '../broker/topic';
import type { LogRecord } from './log-record';

export const LOG_FILE = 'messages.log';
/** Where a compaction writes the new log before renaming it over the old one. */
export const COMPACTION_FILE = 'messages.log.compacting';

export function storedRecord(entity: string, message: MessageSnapshot): LogRecord {
  return {
    kind: 'stored',
    entity,
    sequenceNumber: message.sequenceNumber,
    enqueuedTimeMs: message.enqueuedTimeMs,
    state: message.state,
    deliveryCount: message.deliveryCount,
    expiresAtMs: message.expiresAtMs,
    scheduledEnqueueTimeMs: message.scheduledEnqueueTimeMs,
    content: message.content.toStoredBytes(),
  };
}

/** The broker's state as the shortest log that replays to it: counters, held messages, accepted ids. */
export function liveStateRecords(store: EntityStore): LogRecord[] {
  const records: LogRecord[] = [];
  for (const entity of store.messageEntities()) {
    records.push({ kind: 'sequence', entity: entity.path, next: entity.nextSequence });
    for (const message of entity.storedMessages()) records.push(storedRecord(entity.path, message));
  }
  for (const target of store.sendTargets()) {
    if (target instanceof Topic) {
      records.push({ kind: 'sequence', entity: target.path, next: target.nextSequence });
      for (const message of target.scheduledMessages()) records.push(storedRecord(target.path, message));
    }
    for (const [messageId, acceptedAtMs] of target.acceptedMessageIds()) {
      records.push({ kind: 'duplicate-id', entity: target.path, messageId, acceptedAtMs });
    }
  }
  return records;
}

/**
 * Replaces the log in `dir` with `frames` so that a crash at any point leaves one complete log:
 * the new one is written beside it and made durable, then renamed over it (atomic), then the
 * rename itself is made durable. Until the rename the old log stays in place; a file left over
 * by an interrupted compaction is removed at the next start.
 */
export async function writeCompactedLog(dir: string, frames: Buffer): Promise<void> {
  const temporary = join(dir, COMPACTION_FILE);
  const file = await open(temporary, 'w');
  try {
    await writeFully(file, frames);
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(temporary, join(dir, LOG_FILE));
  await syncDirectory(dir);
}

export function removeUnfinishedCompaction(dir: string): Promise<void> {
  return rm(join(dir, COMPACTION_FILE), { force: true });
}

export async function writeFully(file: Awaited<ReturnType<typeof open>>, bytes: Buffer): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await file.write(bytes, written, bytes.length - written);
    written += bytesWritten;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
