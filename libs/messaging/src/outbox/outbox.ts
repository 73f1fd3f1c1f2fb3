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
 * Many events in one insert, for producers that write in batches: fixed statement text with one
 * array per column, so a batch of any size costs one short statement. Returns their ids in order.
 */
export async function addAllToOutbox(tx: OutboxWriter, events: OutgoingEvent[]): Promise<string[]> {
  if (events.length === 0) return [];
  const ids = events.map(() => randomUUID());
  const column = <T>(pick: (event: OutgoingEvent, index: number) => T) => sql.param(events.map(pick));
  await tx.execute(sql`insert into ${messagingOutbox} (id, topic, subject, body, correlation_id, causation_id, tenant_id, traceparent)
    select * from unnest(${sql.param(ids)}::uuid[], ${column((event) => topicOf(event.type))}::text[], ${column((event) => event.type)}::text[],
      ${column((event) => JSON.stringify(event.payload))}::jsonb[], ${column((event, index) => event.correlationId ?? ids[index])}::text[],
      ${column((event) => event.causationId ?? null)}::text[], ${column((event) => event.tenantId ?? null)}::text[],
      ${column((event) => childTraceparent(event.traceparent))}::text[])`);
  return ids;
}
