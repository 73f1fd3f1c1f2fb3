import { useEmulator } from './testing/test-client';

/*
 * rhea 3.0.5 (the SDK's AMQP library) merges dispositions for adjacent deliveries that are queued
 * in the same tick into one frame, and that frame carries the FIRST delivery's outcome for the
 * whole range. So Promise.all([complete(m1), deadLetter(m2)]) completes both: the dead-letter is
 * silently lost, and both SDK calls still succeed. The same happens against real Service Bus. The
 * messaging library must therefore settle one outcome group at a time (await each group) and never
 * put different outcomes for neighbouring deliveries into one tick.
 */
describe('client-side disposition merging (documents rhea behaviour)', () => {
  const bus = useEmulator({ queues: [{ name: 'merge' }, { name: 'sequential' }] });

  async function receiveTwo(queue: string) {
    const sender = bus.client.createSender(queue);
    await sender.sendMessages([{ body: 'm1' }, { body: 'm2' }]);
    await sender.close();
    const receiver = bus.client.createReceiver(queue);
    const messages = await receiver.receiveMessages(2, { maxWaitTimeInMs: 2000 });
    expect(messages.map((m) => m.body)).toEqual(['m1', 'm2']);
    return { receiver, m1: messages[0], m2: messages[1] };
  }

  it('loses a dead-letter sent in the same tick as a complete of the neighbouring delivery', async () => {
    const { receiver, m1, m2 } = await receiveTwo('merge');
    await Promise.all([receiver.completeMessage(m1), receiver.deadLetterMessage(m2, { deadLetterReason: 'Bad', deadLetterErrorDescription: 'rejected by handler' })]);
    await receiver.close();

    const dlq = bus.client.createReceiver('merge', { subQueueType: 'deadLetter' });
    expect(await dlq.peekMessages(5)).toHaveLength(0);
    await dlq.close();
    const active = bus.client.createReceiver('merge');
    expect(await active.peekMessages(5)).toHaveLength(0);
    await active.close();
  });

  it('keeps the dead-letter when each outcome group is awaited separately', async () => {
    const { receiver, m1, m2 } = await receiveTwo('sequential');
    await receiver.completeMessage(m1);
    await receiver.deadLetterMessage(m2, { deadLetterReason: 'Bad', deadLetterErrorDescription: 'rejected by handler' });
    await receiver.close();

    const dlq = bus.client.createReceiver('sequential', { subQueueType: 'deadLetter' });
    const dead = await dlq.peekMessages(5);
    expect(dead.map((m) => [m.body, m.deadLetterReason])).toEqual([['m2', 'Bad']]);
    await dlq.close();
  });
});
