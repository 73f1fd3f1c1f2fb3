import { ManualClock } from './testing/manual-clock';
import { peekAll, useEmulator } from './testing/test-client';

// Long, so the SDK's own lock renewal (real time) never comes due while a test runs.
const LOCK_MS = 5 * 60_000;

describe('queues and topics', () => {
  const clock = new ManualClock();
  const bus = useEmulator(
    {
      queues: [{ name: 'orders', lockDurationMs: LOCK_MS }, { name: 'small', maxMessageSizeBytes: 1024 }, { name: 'bulk' }],
      topics: [
        {
          name: 'events',
          subscriptions: [
            { name: 'all' },
            { name: 'created', rules: [{ name: 'by-subject', filter: { subject: 'order.created.v1' } }] },
            {
              name: 'tenant-a',
              rules: [{ name: 'by-tenant', filter: { applicationProperties: { tenantId: 'a' } } }],
            },
            {
              name: 'by-ids',
              rules: [
                { name: 'corr', filter: { correlationId: 'c-1', contentType: 'application/json' } },
                { name: 'to', filter: { to: 'dest', replyTo: 'back' } },
                { name: 'mid', filter: { messageId: 'm-special' } },
              ],
            },
          ],
        },
      ],
    },
    clock,
  );

  it('never holds more unsettled deliveries than the session window, whatever credit a receiver grants', async () => {
    const sender = bus.client.createSender('bulk');
    let batch = await sender.createMessageBatch();
    for (let i = 0; i < 2_500; i++) {
      if (!batch.tryAddMessage({ body: i })) {
        await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        batch.tryAddMessage({ body: i });
      }
    }
    await sender.sendMessages(batch);
    const receiver = bus.client.createReceiver('bulk');
    const first = await receiver.receiveMessages(2_500, { maxWaitTimeInMs: 3_000 });
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThanOrEqual(2_048);
    await Promise.all(first.map((m) => receiver.completeMessage(m)));
    const rest: unknown[] = [];
    while (first.length + rest.length < 2_500) {
      const more = await receiver.receiveMessages(2_500, { maxWaitTimeInMs: 3_000 });
      if (more.length === 0) break;
      await Promise.all(more.map((m) => receiver.completeMessage(m)));
      rest.push(...more);
    }
    expect(first.length + rest.length).toBe(2_500);
    await receiver.close();
  }, 60_000);

  it('sends to a queue and receives the same body and properties in peekLock, then completes', async () => {
    const sender = bus.client.createSender('orders');
    await sender.sendMessages({
      body: { id: 1 },
      messageId: 'msg-1',
      subject: 'order.created.v1',
      correlationId: 'corr-1',
      contentType: 'application/json',
      applicationProperties: { tenantId: 't1', count: 3 },
    });
    const receiver = bus.client.createReceiver('orders');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(message.body).toEqual({ id: 1 });
    expect(message.messageId).toBe('msg-1');
    expect(message.subject).toBe('order.created.v1');
    expect(message.correlationId).toBe('corr-1');
    expect(message.applicationProperties).toEqual({ tenantId: 't1', count: 3 });
    expect(message.deliveryCount).toBe(0);
    expect(message.sequenceNumber!.toNumber()).toBeGreaterThan(0);
    expect(message.enqueuedTimeUtc).toBeInstanceOf(Date);
    expect(message.lockedUntilUtc!.getTime()).toBe(clock.now() + LOCK_MS);
    expect(message.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    await receiver.completeMessage(message);
    expect(await peekAll(receiver)).toHaveLength(0);
    await receiver.close();
    await sender.close();
  });

  it('delivers batches in order with increasing sequence numbers', async () => {
    const sender = bus.client.createSender('orders');
    const batch = await sender.createMessageBatch();
    for (let i = 0; i < 50; i++) expect(batch.tryAddMessage({ body: `m${i}` })).toBe(true);
    await sender.sendMessages(batch);
    await sender.sendMessages([{ body: 'm50' }, { body: 'm51' }]);
    const receiver = bus.client.createReceiver('orders', { receiveMode: 'receiveAndDelete' });
    const received: string[] = [];
    const sequence: number[] = [];
    while (received.length < 52) {
      const messages = await receiver.receiveMessages(20, { maxWaitTimeInMs: 2000 });
      if (messages.length === 0) break;
      for (const m of messages) {
        received.push(m.body);
        sequence.push(m.sequenceNumber!.toNumber());
      }
    }
    expect(received).toEqual(Array.from({ length: 52 }, (_, i) => `m${i}`));
    expect([...sequence].sort((a, b) => a - b)).toEqual(sequence);
    await receiver.close();
    await sender.close();
  });

  it('fans out a topic message to every subscription whose rules match', async () => {
    const sender = bus.client.createSender('events');
    await sender.sendMessages([
      { body: 'created-a', subject: 'order.created.v1', applicationProperties: { tenantId: 'a' } },
      { body: 'deleted-b', subject: 'order.deleted.v1', applicationProperties: { tenantId: 'b' } },
      { body: 'corr', correlationId: 'c-1', contentType: 'application/json' },
      { body: 'corr-wrong-type', correlationId: 'c-1', contentType: 'text/plain' },
      { body: 'to', to: 'dest', replyTo: 'back' },
      { body: 'mid', messageId: 'm-special' },
    ]);
    const drain = async (subscription: string) => {
      const receiver = bus.client.createReceiver('events', subscription, { receiveMode: 'receiveAndDelete' });
      const messages = await receiver.receiveMessages(10, { maxWaitTimeInMs: 1000 });
      await receiver.close();
      return messages.map((m) => m.body).sort();
    };
    expect(await drain('all')).toEqual(['corr', 'corr-wrong-type', 'created-a', 'deleted-b', 'mid', 'to']);
    expect(await drain('created')).toEqual(['created-a']);
    expect(await drain('tenant-a')).toEqual(['created-a']);
    expect(await drain('by-ids')).toEqual(['corr', 'mid', 'to']);
    await sender.close();
  });

  it('delivers to subscribe() handlers with credit flow', async () => {
    const sender = bus.client.createSender('orders');
    await sender.sendMessages(Array.from({ length: 30 }, (_, i) => ({ body: i })));
    const receiver = bus.client.createReceiver('orders');
    const seen: number[] = [];
    await new Promise<void>((resolve, reject) => {
      receiver.subscribe(
        {
          processMessage: async (message) => {
            seen.push(message.body);
            if (seen.length === 30) resolve();
          },
          processError: async (args) => reject(args.error),
        },
        { maxConcurrentCalls: 5 },
      );
    });
    await receiver.close();
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    const check = bus.client.createReceiver('orders');
    expect(await check.peekMessages(10)).toHaveLength(0);
    await check.close();
    await sender.close();
  });

  it('raises MessagingEntityNotFound for unknown entities', async () => {
    const sender = bus.client.createSender('nope');
    await expect(sender.sendMessages({ body: 'x' })).rejects.toMatchObject({ code: 'MessagingEntityNotFound' });
    await sender.close();
    const receiver = bus.client.createReceiver('events', 'missing');
    await expect(receiver.receiveMessages(1, { maxWaitTimeInMs: 500 })).rejects.toMatchObject({
      code: 'MessagingEntityNotFound',
    });
    await receiver.close();
  });

  it('rejects a message larger than the entity limit with MessageSizeExceeded', async () => {
    const sender = bus.client.createSender('small');
    await expect(sender.sendMessages({ body: 'x'.repeat(4000) })).rejects.toMatchObject({ code: 'MessageSizeExceeded' });
    await sender.sendMessages({ body: 'fits' });
    const batch = await sender.createMessageBatch();
    expect(batch.maxSizeInBytes).toBe(1024);
    await sender.close();
  });
});
