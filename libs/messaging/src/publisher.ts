import { randomUUID } from 'node:crypto';
import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import { EventType, topicOf } from '@comply/contracts';
import { toServiceBusMessage } from './outbox/outbox-message';
import { OutgoingEvent } from './outbox/outbox';
import { childTraceparent } from './trace-context';

/**
 * Sends an event straight to its topic, outside any transaction. For state changes use
 * `addToOutbox(tx, event)` instead: only the outbox ties the event to the commit.
 */
export class Publisher {
  private readonly senders = new Map<string, ServiceBusSender>();

  constructor(private readonly client: ServiceBusClient) {}

  async publish<T extends EventType>(event: OutgoingEvent<T>): Promise<string> {
    const id = randomUUID();
    const topic = topicOf(event.type);
    let sender = this.senders.get(topic);
    if (!sender) {
      sender = this.client.createSender(topic);
      this.senders.set(topic, sender);
    }
    await sender.sendMessages(
      toServiceBusMessage({
        id,
        topic,
        subject: event.type,
        body: event.payload,
        correlation_id: event.correlationId ?? id,
        causation_id: event.causationId ?? null,
        tenant_id: event.tenantId ?? null,
        traceparent: childTraceparent(event.traceparent),
        attempts: 0,
      }),
    );
    return id;
  }

  async close(): Promise<void> {
    await Promise.all([...this.senders.values()].map((sender) => sender.close()));
    this.senders.clear();
  }
}
