import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';

/**
 * One sender per entity, created on first use and kept open: attaching a link costs round trips
 * to the broker, so senders are reused rather than made per send. Whoever creates the cache
 * closes it.
 */
export class SenderCache {
  private readonly senders = new Map<string, ServiceBusSender>();

  constructor(private readonly client: ServiceBusClient) {}

  /** The open sender for a queue or topic; a sender that was closed is replaced. */
  get(entityPath: string): ServiceBusSender {
    let sender = this.senders.get(entityPath);
    if (!sender || sender.isClosed) {
      sender = this.client.createSender(entityPath);
      this.senders.set(entityPath, sender);
    }
    return sender;
  }

  async closeAll(): Promise<void> {
    const senders = [...this.senders.values()];
    this.senders.clear();
    await Promise.all(senders.map((sender) => sender.close()));
  }
}
