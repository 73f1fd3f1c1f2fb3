import { ServiceBusClient } from '@azure/service-bus';
import { useEmulator } from './testing/test-client';

describe('settlement: abandon, defer, dead-letter', () => {
  const bus = useEmulator({
    queues: [{ name: 'abandon' }, { name: 'defer' }, { name: 'dlq' }, { name: 'max', maxDeliveryCount: 3 }],
    topics: [{ name: 'events', subscriptions: [{ name: 'sub', maxDeliveryCount: 2 }] }],
  });

  it('abandon redelivers with delivery count +1 and applies propertiesToModify', async () => {
    const sender = bus.client.createSender('abandon');
    await sender.sendMessages({ body: 'a', applicationProperties: { keep: 'yes' } });
    const receiver = bus.client.createReceiver('abandon');
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(first.deliveryCount).toBe(0);
    await receiver.abandonMessage(first, { attempt: 1 });
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(second.body).toBe('a');
    expect(second.deliveryCount).toBe(1);
    expect(second.applicationProperties).toEqual({ keep: 'yes', attempt: 1 });
    expect(second.sequenceNumber!.toNumber()).toBe(first.sequenceNumber!.toNumber());
    await receiver.completeMessage(second);
    await receiver.close();
    await sender.close();
  });

  it('defer hides a message until received by sequence number, then it can be completed', async () => {
    const sender = bus.client.createSender('defer');
    await sender.sendMessages([{ body: 'later' }, { body: 'now' }]);
    const receiver = bus.client.createReceiver('defer');
    const [deferred] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(deferred.body).toBe('later');
    await receiver.deferMessage(deferred);
    const [next] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(next.body).toBe('now');
    await receiver.completeMessage(next);
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);

    const [again] = await receiver.receiveDeferredMessages([deferred.sequenceNumber!]);
    expect(again.body).toBe('later');
    expect(again.state).toBe('deferred');
    expect(again.deliveryCount).toBe(1);
    await receiver.completeMessage(again);
    await expect(receiver.receiveDeferredMessages([deferred.sequenceNumber!])).rejects.toMatchObject({
      code: 'MessageNotFound',
    });
    expect(await receiver.peekMessages(5)).toHaveLength(0);
    await receiver.close();
    await sender.close();
  });

  it('deadLetter moves the message to the DLQ with reason and description', async () => {
    const sender = bus.client.createSender('dlq');
    await sender.sendMessages({ body: 'bad', applicationProperties: { tenantId: 't' } });
    const receiver = bus.client.createReceiver('dlq');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await receiver.deadLetterMessage(message, { deadLetterReason: 'ContractViolation', deadLetterErrorDescription: 'missing field' });
    expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    const dlq = bus.client.createReceiver('dlq', { subQueueType: 'deadLetter' });
    const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(dead.body).toBe('bad');
    expect(dead.deadLetterReason).toBe('ContractViolation');
    expect(dead.deadLetterErrorDescription).toBe('missing field');
    expect(dead.applicationProperties?.tenantId).toBe('t');
    await dlq.completeMessage(dead);
    expect(await dlq.peekMessages(5)).toHaveLength(0);
    await dlq.close();
    await receiver.close();
    await sender.close();
  });

  it('dead-letters with MaxDeliveryCountExceeded after maxDeliveryCount abandons (queue and subscription)', async () => {
    const cases: Array<{ send: string; receive: () => ReturnType<ServiceBusClient['createReceiver']>; dlq: () => ReturnType<ServiceBusClient['createReceiver']>; max: number }> = [
      { send: 'max', receive: () => bus.client.createReceiver('max'), dlq: () => bus.client.createReceiver('max', { subQueueType: 'deadLetter' }), max: 3 },
      {
        send: 'events',
        receive: () => bus.client.createReceiver('events', 'sub'),
        dlq: () => bus.client.createReceiver('events', 'sub', { subQueueType: 'deadLetter' }),
        max: 2,
      },
    ];
    for (const c of cases) {
      const sender = bus.client.createSender(c.send);
      await sender.sendMessages({ body: 'poison' });
      const receiver = c.receive();
      for (let attempt = 0; attempt < c.max; attempt++) {
        const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
        expect(message.deliveryCount).toBe(attempt);
        await receiver.abandonMessage(message);
      }
      expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
      const dlq = c.dlq();
      const [dead] = await dlq.receiveMessages(1, { maxWaitTimeInMs: 2000 });
      expect(dead.body).toBe('poison');
      expect(dead.deadLetterReason).toBe('MaxDeliveryCountExceeded');
      await dlq.completeMessage(dead);
      await dlq.close();
      await receiver.close();
      await sender.close();
    }
  });
});
