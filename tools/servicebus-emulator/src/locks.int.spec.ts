import { ServiceBusClient } from '@azure/service-bus';
import { setTimeout as sleep } from 'node:timers/promises';
import { RunningEmulator, startEmulator } from './index';
import { createTestClient } from './testing/test-client';

describe('message locks', () => {
  let emulator: RunningEmulator;
  let client: ServiceBusClient;

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      topology: { queues: [{ name: 'expiry', lockDurationMs: 500 }, { name: 'renew', lockDurationMs: 600 }] },
    });
    client = createTestClient(emulator.connectionString);
  });

  afterAll(async () => {
    await client.close();
    await emulator.stop();
  });

  it('redelivers after lock expiry with delivery count +1, and settling the expired lock fails with MessageLockLost', async () => {
    const sender = client.createSender('expiry');
    await sender.sendMessages({ body: 'slow' });
    const receiver = client.createReceiver('expiry', { maxAutoLockRenewalDurationInMs: 0 });
    const [first] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
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
    const sender = client.createSender('renew');
    await sender.sendMessages({ body: 'long' });
    const receiver = client.createReceiver('renew', { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    const before = message.lockedUntilUtc!.getTime();
    for (let i = 0; i < 3; i++) {
      await sleep(350);
      const renewed = await receiver.renewMessageLock(message);
      expect(renewed.getTime()).toBeGreaterThan(before);
    }
    expect(message.lockedUntilUtc!.getTime()).toBeGreaterThan(before);
    const other = client.createReceiver('renew');
    expect(await other.receiveMessages(1, { maxWaitTimeInMs: 300 })).toHaveLength(0);
    await receiver.completeMessage(message);
    await other.close();
    await receiver.close();
    await sender.close();
  });

  it('renewing a lock that expired fails with MessageLockLost', async () => {
    const sender = client.createSender('expiry');
    await sender.sendMessages({ body: 'gone' });
    const receiver = client.createReceiver('expiry', { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    await sleep(700);
    await expect(receiver.renewMessageLock(message)).rejects.toMatchObject({ code: 'MessageLockLost' });
    const cleanup = client.createReceiver('expiry', { receiveMode: 'receiveAndDelete' });
    expect(await cleanup.receiveMessages(1, { maxWaitTimeInMs: 2000 })).toHaveLength(1);
    await cleanup.close();
    await receiver.close();
    await sender.close();
  });
});
