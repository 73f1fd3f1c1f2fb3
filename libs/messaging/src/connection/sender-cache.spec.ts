import type { ServiceBusClient, ServiceBusSender } from '@azure/service-bus';
import { SenderCache } from './sender-cache';

/** Records the senders a client hands out; each can be closed like the SDK's. */
function recordingClient() {
  const created: { entityPath: string; isClosed: boolean }[] = [];
  const client = {
    createSender(entityPath: string) {
      const sender = {
        entityPath,
        isClosed: false,
        async close() {
          sender.isClosed = true;
        },
      };
      created.push(sender);
      return sender as unknown as ServiceBusSender;
    },
  } as unknown as ServiceBusClient;
  return { client, created };
}

describe('SenderCache', () => {
  it('creates one sender per entity and hands it out again', () => {
    const { client, created } = recordingClient();
    const senders = new SenderCache(client);
    expect(senders.get('core-events')).toBe(senders.get('core-events'));
    expect(senders.get('audit-events')).not.toBe(senders.get('core-events'));
    expect(created.map((s) => s.entityPath)).toEqual(['core-events', 'audit-events']);
  });

  it('closes every sender it created, and creates a fresh one when asked again', async () => {
    const { client, created } = recordingClient();
    const senders = new SenderCache(client);
    const first = senders.get('core-events');
    senders.get('audit-events');
    await senders.closeAll();
    expect(created.every((s) => s.isClosed)).toBe(true);
    expect(senders.get('core-events')).not.toBe(first);
  });

  it('replaces a sender that was closed elsewhere', async () => {
    const { client } = recordingClient();
    const senders = new SenderCache(client);
    const first = senders.get('core-events');
    await first.close();
    expect(senders.get('core-events')).not.toBe(first);
  });
});
