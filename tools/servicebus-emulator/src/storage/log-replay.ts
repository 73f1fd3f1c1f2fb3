import type { EntityStore } from '../broker/entity-store';
import { MessageContent } from '../broker/message-content';
import type { MessageEntity } from '../broker/message-entity';
import type { MessageSnapshot } from '../broker/state-journal';
import type { LogRecord } from './log-record';

type StoredRecord = Extract<LogRecord, { kind: 'stored' }>;

/**
 * Rebuilds every entity from the records of a log, in order: the last `stored` record of a
 * message wins unless a `removed` record follows it. Records of entities that the topology no
 * longer has are ignored. Runs before the broker accepts connections and records nothing itself.
 */
export function restoreFromLog(store: EntityStore, records: readonly LogRecord[]): void {
  const messages = new Map<string, Map<number, StoredRecord>>();
  const sequences = new Map<string, number>();
  const acceptedIds = new Map<string, Map<string, number>>();
  const raiseSequence = (entity: string, next: number) => sequences.set(entity, Math.max(sequences.get(entity) ?? 1, next));
  for (const record of records) {
    switch (record.kind) {
      case 'stored':
        entry(messages, record.entity).set(record.sequenceNumber, record);
        raiseSequence(record.entity, record.sequenceNumber + 1);
        break;
      case 'removed':
        messages.get(record.entity)?.delete(record.sequenceNumber);
        raiseSequence(record.entity, record.sequenceNumber + 1);
        break;
      case 'sequence':
        raiseSequence(record.entity, record.next);
        break;
      case 'duplicate-id': {
        // Re-inserted, so each map stays in acceptance order.
        const ids = entry(acceptedIds, record.entity);
        ids.delete(record.messageId);
        ids.set(record.messageId, record.acceptedAtMs);
        break;
      }
    }
  }

  for (const [path, next] of sequences) {
    const held = [...(messages.get(path)?.values() ?? [])].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    const topic = store.findTopic(path);
    if (topic) {
      topic.restoreSequence(next);
      for (const record of held) topic.restoreScheduled(snapshotOf(record));
      continue;
    }
    const entity = findEntity(store, path);
    if (!entity) continue;
    entity.restoreSequence(next);
    for (const record of held) entity.restore(snapshotOf(record));
  }
  for (const [path, ids] of acceptedIds) {
    const target = store.sendTargets().find((candidate) => candidate.path.toLowerCase() === path.toLowerCase());
    for (const [messageId, acceptedAtMs] of ids) target?.restoreAcceptedMessageId(messageId, acceptedAtMs);
  }
}

function entry<K, V>(map: Map<string, Map<K, V>>, key: string): Map<K, V> {
  let inner = map.get(key);
  if (!inner) {
    inner = new Map();
    map.set(key, inner);
  }
  return inner;
}

function findEntity(store: EntityStore, path: string): MessageEntity | undefined {
  try {
    return store.receiveSource(path);
  } catch {
    return undefined;
  }
}

function snapshotOf(record: StoredRecord): MessageSnapshot {
  return {
    content: MessageContent.parse(record.content),
    sequenceNumber: record.sequenceNumber,
    enqueuedTimeMs: record.enqueuedTimeMs,
    state: record.state,
    expiresAtMs: record.expiresAtMs,
    scheduledEnqueueTimeMs: record.scheduledEnqueueTimeMs,
    deliveryCount: record.deliveryCount,
  };
}
