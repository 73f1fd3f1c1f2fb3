import { ManualClock } from './testing/manual-clock';
import { peekAll, useEmulator } from './testing/test-client';

const TTL_MS = 60_000;
const DUPLICATE_WINDOW_MS = 10 * 60_000;

describe('time to live and duplicate detection', () => {
  const clock = new ManualClock();
  const bus = useEmulator(
    {
      queues: [
        { name: 'ttl-dlq', deadLetteringOnMessageExpiration: true },
        { name: 'ttl-drop', defaultMessageTtlMs: TTL_MS },
        { name: 'dedup', requiresDuplicateDetection: true, duplicateDetectionWindowMs: DUPLICATE_WINDOW_MS },
        { name: 'no-dedup' },
      ],
      topics: [{ name: 'ttl-topic', subscriptions: [{ name: 'sub', defaultMessageTtlMs: TTL_MS, deadLetteringOnMessageExpiration: true }] }],
    },
    clock,
  );

  it('dead-letters an expired message with TTLExpiredException when configured', async () => {
    const sender = bus.client.createSender('ttl-dlq');
    await sender.sendMessages([{ body: 'short', timeToLive: TTL_MS }, { body: 'long', timeToLive: 2 * TTL_MS }]);
    const receiver = bus.client.createReceiver('ttl-dlq', { receiveMode: 'receiveAndDelete' });
    clock.advance(TTL_MS - 1);
    expect((await peekAll(receiver)).map((m) => m.body)).toEqual(['short', 'long']);
    clock.advance(1);
    expect((await peekAll(receiver)).map((m) => m.body)).toEqual(['long']);
    const dlq = bus.client.createReceiver('ttl-dlq', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(dead.body).toBe('short');
    expect(dead.deadLetterReason).toBe('TTLExpiredException');
    await dlq.close();
    await receiver.close();
    await sender.close();
  });

  it('drops messages past the entity default TTL when dead-lettering is off', async () => {
    const sender = bus.client.createSender('ttl-drop');
    await sender.sendMessages({ body: 'stale' });
    const receiver = bus.client.createReceiver('ttl-drop');
    clock.advance(TTL_MS - 1);
    expect((await peekAll(receiver)).map((m) => m.body)).toEqual(['stale']);
    clock.advance(1);
    expect(await peekAll(receiver)).toHaveLength(0);
    const dlq = bus.client.createReceiver('ttl-drop', { subQueueType: 'deadLetter' });
    expect(await peekAll(dlq)).toHaveLength(0);
    await dlq.close();
    await receiver.close();
    await sender.close();
  });

  it('applies a subscription default TTL with dead-lettering', async () => {
    const sender = bus.client.createSender('ttl-topic');
    await sender.sendMessages({ body: 'expiring' });
    const dlq = bus.client.createReceiver('ttl-topic', 'sub', { subQueueType: 'deadLetter', receiveMode: 'receiveAndDelete' });
    clock.advance(TTL_MS - 1);
    expect(await peekAll(dlq)).toHaveLength(0);
    clock.advance(1);
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(dead?.body).toBe('expiring');
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
    expect((await receiver.receiveMessages(2, { maxWaitTimeInMs: 2000 })).map((m) => m.body)).toEqual(['first', 'other']);
    clock.advance(DUPLICATE_WINDOW_MS - 1);
    await sender.sendMessages({ body: 'inside-window', messageId: 'outbox-1' });
    clock.advance(1);
    await sender.sendMessages({ body: 'after-window', messageId: 'outbox-1' });
    expect((await peekAll(receiver)).map((m) => m.body)).toEqual(['after-window']);

    const plain = bus.client.createSender('no-dedup');
    await plain.sendMessages({ body: 'a', messageId: 'same' });
    await plain.sendMessages({ body: 'b', messageId: 'same' });
    const plainReceiver = bus.client.createReceiver('no-dedup');
    expect((await peekAll(plainReceiver)).map((m) => m.body)).toEqual(['a', 'b']);
    await plainReceiver.close();
    await plain.close();
    await receiver.close();
    await sender.close();
  });
});
