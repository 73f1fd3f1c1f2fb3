import { BaseRpcContext } from '@nestjs/microservices';
import { EventPayload, EventType } from '@comply/contracts';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { addToOutbox } from '../outbox/outbox';
import { IncomingEvent } from './incoming-event';

export type HandlerTransaction = Parameters<Parameters<NodePgDatabase<Record<string, unknown>>['transaction']>[0]>[0];

/** A message a batch handler refused: dead-lettered with this reason, its inbox entry removed so a replay runs again. */
export interface Rejection {
  reason: string;
  description: string;
}

/**
 * What a handler gets besides its payload: the database transaction that also records the message
 * in the inbox (effects and inbox commit together or not at all), the incoming envelope, and
 * `publish()` to emit follow-up events through the outbox of that same transaction, carrying
 * correlation, causation and trace context forward. `Tx` is the service's typed transaction
 * (drizzle over its own schema), e.g. `ServiceBusContext<CoreTransaction>`.
 */
export class ServiceBusContext<Tx = HandlerTransaction> extends BaseRpcContext<[]> {
  private readonly rejections = new Map<string, Rejection>();

  constructor(
    readonly tx: Tx,
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

  /**
   * For batch handlers: refuses one event for good (a business rule says no) while the rest of the
   * batch commits. The handler must leave no effect of a rejected event behind; it is dead-lettered
   * with `reason`. A single-message handler throws PermanentError instead.
   */
  reject(event: IncomingEvent, reason: string, description: string): void {
    this.rejections.set(event.messageId, { reason, description });
  }

  /** Rejections so far, by message id. */
  rejected(): ReadonlyMap<string, Rejection> {
    return this.rejections;
  }

  /** Adds an event to the outbox; `causedBy` defaults to the message being handled. */
  publish<T extends EventType>(
    type: T,
    payload: EventPayload<T>,
    options: { causedBy?: IncomingEvent; tenantId?: string } = {},
  ): Promise<string> {
    const cause = options.causedBy ?? this.event;
    return addToOutbox(this.tx as HandlerTransaction, {
      type,
      payload,
      correlationId: cause?.correlationId,
      causationId: cause?.messageId,
      tenantId: options.tenantId ?? cause?.tenantId,
      traceparent: cause?.traceparent,
    });
  }
}
