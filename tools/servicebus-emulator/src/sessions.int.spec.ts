import { ServiceBusClient } from '@azure/service-bus';
import { ManualClock } from './testing/manual-clock';
import { useEmulator } from './testing/test-client';
import { waitUntil } from './testing/wait-until';

// Long, so the SDK's own lock renewal (real time) never comes due while a test runs.
const LOCK_MS = 5 * 60_000;

describe('sessions', () => {
  const clock = new ManualClock();
  const bus = useEmulator(
    {
      queues: [
        { name: 'ordered', requiresSession: true, lockDurationMs: LOCK_MS },
        { name: 'waiting', requiresSession: true },
        { name: 'spread', requiresSession: true },
        { name: 'short-lock', requiresSession: true, lockDurationMs: LOCK_MS },
      ],
      topics: [{ name: 'session-topic', subscriptions: [{ name: 'sub', requiresSession: true }] }],
    },
    clock,
  );

  it('delivers a session in order, keeps session state and renews the session lock', async () => {
    const sender = bus.client.createSender('ordered');
    const messages = [];
    for (let i = 0; i < 10; i++) messages.push({ body: i, sessionId: i % 2 === 0 ? 'even' : 'odd' });
    await sender.sendMessages(messages);
    const receiver = await bus.client.acceptSession('ordered', 'odd');
    expect(receiver.sessionId).toBe('odd');
    expect(receiver.sessionLockedUntilUtc.getTime()).toBe(clock.now() + LOCK_MS);
    const received = await receiver.receiveMessages(10, { maxWaitTimeInMs: 1000 });
    expect(received.map((m) => m.body)).toEqual([1, 3, 5, 7, 9]);
    expect(received.every((m) => m.sessionId === 'odd')).toBe(true);
    for (const m of received) await receiver.completeMessage(m);

    expect(await receiver.getSessionState()).toBeNull();
    await receiver.setSessionState(JSON.stringify({ cursor: 9 }));
    expect(JSON.parse(String(await receiver.getSessionState()))).toEqual({ cursor: 9 });
    clock.advance(LOCK_MS - 1);
    const renewed = await receiver.renewSessionLock();
    expect(renewed.getTime()).toBe(clock.now() + LOCK_MS);
    await receiver.close();

    const next = await bus.client.acceptNextSession('ordered');
    expect(next.sessionId).toBe('even');
    expect((await next.receiveMessages(10, { maxWaitTimeInMs: 1000 })).map((m) => m.body)).toEqual([0, 2, 4, 6, 8]);
    await next.close();
    await sender.close();
  });

  it('refuses a second receiver on a locked session with SessionCannotBeLocked', async () => {
    const sender = bus.client.createSender('ordered');
    await sender.sendMessages({ body: 'x', sessionId: 'held' });
    const first = await bus.client.acceptSession('ordered', 'held');
    await expect(bus.client.acceptSession('ordered', 'held')).rejects.toMatchObject({
      code: 'SessionCannotBeLocked',
    });
    const [message] = await first.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    await first.completeMessage(message);
    await first.close();
    const again = await bus.client.acceptSession('ordered', 'held');
    expect(again.sessionId).toBe('held');
    await again.close();
    await sender.close();
  });

  it('acceptNextSession waits for a session to get messages, and times out when none does', async () => {
    const pending = bus.client.acceptNextSession('waiting');
    await waitUntil('acceptNextSession waits at the broker', () => bus.emulator.pendingSessionAccepts('waiting') === 1);
    const sender = bus.client.createSender('waiting');
    await sender.sendMessages({ body: 'late', sessionId: 'late-session' });
    const receiver = await pending;
    expect(receiver.sessionId).toBe('late-session');
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(message.body).toBe('late');
    await receiver.completeMessage(message);
    await receiver.close();

    // The SDK sends the client-level operation timeout as the session wait time.
    const waitMs = 60_000;
    const impatient = new ServiceBusClient(bus.emulator.connectionString, {
      retryOptions: { maxRetries: 0, retryDelayInMs: 100, timeoutInMs: waitMs },
    });
    try {
      const timedOut = expect(impatient.acceptNextSession('waiting')).rejects.toMatchObject({ code: 'ServiceTimeout' });
      await waitUntil('acceptNextSession waits at the broker', () => bus.emulator.pendingSessionAccepts('waiting') === 1);
      clock.advance(waitMs - 1_000);
      expect(bus.emulator.pendingSessionAccepts('waiting')).toBe(1);
      clock.advance(1_000);
      await timedOut;
      expect(bus.emulator.pendingSessionAccepts('waiting')).toBe(0);
    } finally {
      // Its own connection would otherwise outlive the emulator and keep retrying.
      await impatient.close();
    }
    await sender.close();
  });

  it('spreads sessions across receivers', async () => {
    const sender = bus.client.createSender('spread');
    await sender.sendMessages(['s1', 's2', 's3'].map((sessionId) => ({ body: sessionId, sessionId })));
    const receivers = await Promise.all([1, 2, 3].map(() => bus.client.acceptNextSession('spread')));
    expect(receivers.map((r) => r.sessionId).sort()).toEqual(['s1', 's2', 's3']);
    for (const receiver of receivers) {
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
      expect(message.body).toBe(receiver.sessionId);
      await receiver.completeMessage(message);
      await receiver.close();
    }
    await sender.close();
  });

  it('releases a session whose lock expired, and settling its messages then fails', async () => {
    const sender = bus.client.createSender('short-lock');
    await sender.sendMessages({ body: 'm', sessionId: 'expiring' });
    const receiver = await bus.client.acceptSession('short-lock', 'expiring', { maxAutoLockRenewalDurationInMs: 0 });
    const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    clock.advance(LOCK_MS - 1);
    await expect(bus.client.acceptSession('short-lock', 'expiring')).rejects.toMatchObject({ code: 'SessionCannotBeLocked' });
    clock.advance(1);
    await waitUntil('the receiver has seen its link detached', () => receiver.isClosed);
    await expect(receiver.completeMessage(message)).rejects.toMatchObject({ code: 'SessionLockLost' });
    const other = await bus.client.acceptSession('short-lock', 'expiring', { maxAutoLockRenewalDurationInMs: 0 });
    const [again] = await other.receiveMessages(1, { maxWaitTimeInMs: 1000 });
    expect(again.body).toBe('m');
    expect(again.deliveryCount).toBe(1);
    await other.completeMessage(again);
    await other.close();
    await receiver.close();
    await sender.close();
  });

  it('works for session-enabled subscriptions', async () => {
    const sender = bus.client.createSender('session-topic');
    await sender.sendMessages([
      { body: 1, sessionId: 'tenant-1' },
      { body: 2, sessionId: 'tenant-1' },
    ]);
    const receiver = await bus.client.acceptNextSession('session-topic', 'sub', { receiveMode: 'receiveAndDelete' });
    expect(receiver.sessionId).toBe('tenant-1');
    expect((await receiver.receiveMessages(5, { maxWaitTimeInMs: 1000 })).map((m) => m.body)).toEqual([1, 2]);
    await receiver.close();
    await sender.close();
  });
});
