import { ManualClock } from './testing/manual-clock';
import { peekAll, useEmulator } from './testing/test-client';

const LOCK_MS = 30_000;

describe('message locks', () => {
  const clock = new ManualClock();
  const bus = useEmulator({ queues: [{ name: 'expiry', lockDurationMs: LOCK_MS }, { name: 'renew', lockDurationMs: LOCK_MS }] }, clock);

  // Auto-renewal is off so the lock lapses unless a test renews it itself.
  async function receiveLocked(queue: string, body: string) {
    const sender = bus.client.createSender(queue);
    await sender.sendMessages({ body });
    const receiver = bus.client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    return { sender, receiver, message };
  }

  it('redelivers after lock expiry with delivery count +1, and settling the expired lock fails with MessageLockLost', async () => {
    const { sender, receiver, message: first } = await receiveLocked('expiry', 'slow');
    expect(first.lockedUntilUtc!.getTime()).toBe(clock.now() + LOCK_MS);
    clock.advance(LOCK_MS - 1);
    expect((await peekAll(receiver)).map((m) => m.deliveryCount)).toEqual([0]);
    clock.advance(1);
    expect((await peekAll(receiver)).map((m) => m.deliveryCount)).toEqual([1]);
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(second.body).toBe('slow');
    expect(second.deliveryCount).toBe(1);
    expect(second.lockToken).not.toBe(first.lockToken);
    await expect(receiver.completeMessage(first)).rejects.toMatchObject({ code: 'MessageLockLost' });
    await receiver.completeMessage(second);
    expect(await peekAll(receiver)).toHaveLength(0);
    await receiver.close();
    await sender.close();
  });

  it('renewMessageLock extends the lock from the time of renewal, so the message is not redelivered', async () => {
    const { sender, receiver, message } = await receiveLocked('renew', 'long');
    for (let i = 0; i < 3; i++) {
      clock.advance(LOCK_MS - 1);
      const renewed = await receiver.renewMessageLock(message);
      expect(renewed.getTime()).toBe(clock.now() + LOCK_MS);
    }
    expect(message.lockedUntilUtc!.getTime()).toBe(clock.now() + LOCK_MS);
    expect((await peekAll(receiver)).map((m) => m.deliveryCount)).toEqual([0]);
    await receiver.completeMessage(message);
    expect(await peekAll(receiver)).toHaveLength(0);
    await receiver.close();
    await sender.close();
  });

  it('renewing a lock that expired fails with MessageLockLost', async () => {
    const { sender, receiver, message } = await receiveLocked('expiry', 'gone');
    clock.advance(LOCK_MS);
    await expect(receiver.renewMessageLock(message)).rejects.toMatchObject({ code: 'MessageLockLost' });
    const cleanup = bus.client.createReceiver('expiry', { receiveMode: 'receiveAndDelete' });
    const [redelivered] = await cleanup.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(redelivered.body).toBe('gone');
    await cleanup.close();
    await receiver.close();
    await sender.close();
  });
});
