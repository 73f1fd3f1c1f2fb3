import { setTimeout as sleep } from 'node:timers/promises';
import { useEmulator } from './testing/test-client';

describe('time to live and duplicate detection', () => {
  const bus = useEmulator({
    queues: [
      { name: 'ttl-dlq', deadLetteringOnMessageExpiration: true },
      { name: 'ttl-drop', defaultMessageTtlMs: 300 },
      { name: 'dedup', requiresDuplicateDetection: true, duplicateDetectionWindowMs: 800 },
      { name: 'no-dedup' },
    ],
    topics: [{ name: 'ttl-topic', subscriptions: [{ name: 'sub', defaultMessageTtlMs: 300, deadLetteringOnMessageExpiration: true }] }],
  });

  it('dead-letters an expired message with TTLExpiredException when configured', async () => {
    const sender = bus.client.createSender('ttl-dlq');
    await sender.sendMessages([{ body: 'short', timeToLive: 200 }, { body: 'long', timeToLive: 60_000 }]);
    await sleep(400);
    const receiver = bus.client.createReceiver('ttl-dlq', { receiveMode: 'receiveAndDelete' });
    expect((await receiver.receiveMessages(5, { maxWaitTimeInMs: 1000 })).map((m) => m.body)).toEqual(['long']);
    const dlq = bus.client.createReceiver('ttl-dlq', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(dead.body).toBe('short');
    expect(dead.deadLetterReason).toBe('TTLExpiredException');
    await dlq.close();
    await receiver.close();
    await sender.close();
  });

  it('drops messages past the entity default TTL when dead-lettering is off', async () => {
    const sender = bus.client.createSender('ttl-drop');
    await sender.sendMessages({ body: 'stale' });
    const receiver = bus.client.createReceiver('ttl-drop', { receiveMode: 'receiveAndDelete' });
    expect(await receiver.peekMessages(1)).toHaveLength(1);
    await sleep(500);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    const dlq = bus.client.createReceiver('ttl-drop', { subQueueType: 'deadLetter' });
    expect(await dlq.peekMessages(1)).toHaveLength(0);
    await dlq.close();
    await receiver.close();
    await sender.close();
  });

  it('applies a subscription default TTL with dead-lettering', async () => {
    const sender = bus.client.createSender('ttl-topic');
    await sender.sendMessages({ body: 'expiring' });
    await sleep(500);
    const dlq = bus.client.createReceiver('ttl-topic', 'sub', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(dead?.deadLetterReason).toBe('TTLExpiredException');
    await dlq.close();
    await sender.close();
  });

  it('accepts and drops a resend of the same messageId inside the detection window only', async () => {
    const sender = bus.client.createSender('dedup');
    await sender.sendMessages({ body: 'first', messageId: 'outbox-1' });
    await sender.sendMessages({ body: 'resend', messageId: 'outbox-1' });
    await sender.sendMessages({ body: 'other', messageId: 'outbox-2' });
    const receiver = bus.client.createReceiver('dedup', { receiveMode: 'receiveAndDelete' });
    expect((await receiver.receiveMessages(5, { maxWaitTimeInMs: 1000 })).map((m) => m.body)).toEqual(['first', 'other']);
    await sleep(900);
    await sender.sendMessages({ body: 'after-window', messageId: 'outbox-1' });
    expect((await receiver.receiveMessages(5, { maxWaitTimeInMs: 1000 })).map((m) => m.body)).toEqual(['after-window']);

    const plain = bus.client.createSender('no-dedup');
    await plain.sendMessages({ body: 'a', messageId: 'same' });
    await plain.sendMessages({ body: 'b', messageId: 'same' });
    const plainReceiver = bus.client.createReceiver('no-dedup', { receiveMode: 'receiveAndDelete' });
    expect(await plainReceiver.receiveMessages(5, { maxWaitTimeInMs: 1000 })).toHaveLength(2);
    await plainReceiver.close();
    await plain.close();
    await receiver.close();
    await sender.close();
  });
});
