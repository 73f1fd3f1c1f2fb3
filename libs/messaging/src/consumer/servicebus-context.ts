import { BaseRpcContext } from '@nestjs/microservices';
import { EventPayload, EventType } from '@comply/contracts';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { addToOutbox } from '../outbox/outbox';
import { IncomingEvent } from './incoming-event';

export type HandlerTransaction = Parameters<Parameters<NodePgDatabase<Record<string, unknown>>['transaction']>[0]>[0];

/**
 * What a handler gets besides its payload: the database transaction that also records the message
 * in the inbox (effects and inbox commit together or not at all), the incoming envelope, and
 * `publish()` to emit follow-up events through the outbox of that same transaction, carrying
 * correlation, causation and trace context forward.
 */
export class ServiceBusContext extends BaseRpcContext<[]> {
  constructor(
    readonly tx: HandlerTransaction,
    readonly subscription: string,
    /** The message being handled; undefined for batch handlers, which receive the events as payload. */
    readonly event: IncomingEvent | undefined,
  ) {
    super([]);
  }

  get messageId(): string | undefined {
    return this.event?.messageId;
  }

  get correlationId(): string | undefined {
    return this.event?.correlationId;
  }

  get tenantId(): string | undefined {
    return this.event?.tenantId;
  }

  get deliveryCount(): number | undefined {
    return this.event?.deliveryCount;
  }

  /** Adds an event to the outbox; `causedBy` defaults to the message being handled. */
  publish<T extends EventType>(
    type: T,
    payload: EventPayload<T>,
    options: { causedBy?: IncomingEvent; tenantId?: string } = {},
  ): Promise<string> {
    const cause = options.causedBy ?? this.event;
    return addToOutbox(this.tx, {
      type,
      payload,
      correlationId: cause?.correlationId,
      causationId: cause?.messageId,
      tenantId: options.tenantId ?? cause?.tenantId,
      traceparent: cause?.traceparent,
    });
  }
}
