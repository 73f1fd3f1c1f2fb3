import { randomUUID } from 'node:crypto';
import { EventPayload, EventType, topicOf } from '@comply/contracts';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { messagingOutbox } from '../messaging-tables';
import { childTraceparent } from '../trace-context';

/** A drizzle database or transaction: the outbox row commits with whatever it is part of. */
export type OutboxWriter = Pick<NodePgDatabase<Record<string, unknown>>, 'insert'>;

export interface OutgoingEvent<T extends EventType = EventType> {
  type: T;
  payload: EventPayload<T>;
  /** Ties every message of one business flow together; a new one starts a flow. */
  correlationId?: string;
  /** The message whose handling produced this one. */
  causationId?: string;
  tenantId?: string;
  /** The caller's W3C traceparent; the event gets a child span of it. */
  traceparent?: string;
}

/**
 * Adds an event to the outbox inside the caller's transaction, so the event is sent if and only
 * if the state change commits. Returns the outbox row id, which becomes the message id.
 */
export async function addToOutbox<T extends EventType>(tx: OutboxWriter, event: OutgoingEvent<T>): Promise<string> {
  const [id] = await addAllToOutbox(tx, [event]);
  return id;
}

/** Many events in one multi-row insert, for producers that write in batches. Returns their ids in order. */
export async function addAllToOutbox(tx: OutboxWriter, events: OutgoingEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const rows = events.map((event) => {
    const id = randomUUID();
    return {
      id,
      topic: topicOf(event.type),
      subject: event.type,
      body: event.payload,
      correlationId: event.correlationId ?? id,
      causationId: event.causationId,
      tenantId: event.tenantId,
      traceparent: childTraceparent(event.traceparent),
    };
  });
  await tx.insert(messagingOutbox).values(rows);
  return rows.map((row) => row.id);
}
