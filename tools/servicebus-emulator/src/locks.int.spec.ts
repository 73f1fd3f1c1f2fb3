import { setTimeout as sleep } from 'node:timers/promises';
import { useEmulator } from './testing/test-client';

describe('message locks', () => {
  const bus = useEmulator({ queues: [{ name: 'expiry', lockDurationMs: 500 }, { name: 'renew', lockDurationMs: 600 }] });

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
    expect(first.lockedUntilUtc!.getTime() - Date.now()).toBeLessThanOrEqual(500);
    await sleep(800);
    const [second] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(second.body).toBe('slow');
    expect(second.deliveryCount).toBe(1);
    expect(second.lockToken).not.toBe(first.lockToken);
    await expect(receiver.completeMessage(first)).rejects.toMatchObject({ code: 'MessageLockLost' });
    await receiver.completeMessage(second);
    expect(await receiver.peekMessages(5)).toHaveLength(0);
    await receiver.close();
    await sender.close();
  });

  it('renewMessageLock extends the lock so the message is not redelivered', async () => {
    const { sender, receiver, message } = await receiveLocked('renew', 'long');
    const before = message.lockedUntilUtc!.getTime();
    for (let i = 0; i < 3; i++) {
      await sleep(350);
      const renewed = await receiver.renewMessageLock(message);
      expect(renewed.getTime()).toBeGreaterThan(before);
    }
    expect(message.lockedUntilUtc!.getTime()).toBeGreaterThan(before);
    const other = bus.client.createReceiver('renew');
    expect(await other.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    await receiver.completeMessage(message);
    await other.close();
    await receiver.close();
    await sender.close();
  });

  it('renewing a lock that expired fails with MessageLockLost', async () => {
    const { sender, receiver, message } = await receiveLocked('expiry', 'gone');
    await sleep(700);
    await expect(receiver.renewMessageLock(message)).rejects.toMatchObject({ code: 'MessageLockLost' });
    const cleanup = bus.client.createReceiver('expiry', { receiveMode: 'receiveAndDelete' });
    expect(await cleanup.receiveMessages(1, { maxWaitTimeInMs: 2000 })).toHaveLength(1);
    await cleanup.close();
    await receiver.close();
    await sender.close();
  });
});
