import { randomUUID } from 'node:crypto';
import { EventPayload, EventType, topicOf } from '@comply/contracts';
import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { messagingOutbox } from '../messaging-tables';
import { childTraceparent } from '../trace-context';

/** A drizzle database or transaction: the outbox row commits with whatever it is part of. */
export type OutboxWriter = Pick<NodePgDatabase<Record<string, unknown>>, 'execute'>;

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

/**
 * Many events in one insert, for producers that write in batches: fixed statement text over a
 * single JSON parameter, so a batch of any size costs one short statement and no per-value
 * escaping. Returns their ids in order.
 */
export async function addAllToOutbox(tx: OutboxWriter, events: OutgoingEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map(() => randomUUID());
  const rows = events.map((event, index) => ({
    id: ids[index],
    topic: topicOf(event.type),
    subject: event.type,
    body: event.payload,
    correlation_id: event.correlationId ?? ids[index],
    causation_id: event.causationId,
    tenant_id: event.tenantId,
    traceparent: childTraceparent(event.traceparent),
  }));
  await tx.execute(sql`insert into ${messagingOutbox} (id, topic, subject, body, correlation_id, causation_id, tenant_id, traceparent)
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as r(id uuid, topic text, subject text, body jsonb, correlation_id text, causation_id text, tenant_id text, traceparent text)`);
  return ids;
}
