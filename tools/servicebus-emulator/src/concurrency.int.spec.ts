import { ServiceBusReceivedMessage } from '@azure/service-bus';
import { RunningEmulator, startEmulator } from './index';
import { createTestClient } from './testing/test-client';

const MESSAGES = 20_000;
const SUBSCRIPTIONS = ['billing', 'analytics', 'backup'];
const RECEIVERS_PER_SUBSCRIPTION = 3;

describe('concurrency', () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      topology: {
        queues: [{ name: 'shared' }],
        topics: [{ name: 'load', subscriptions: SUBSCRIPTIONS.map((name) => ({ name })) }],
      },
    });
  });

  afterAll(async () => {
    await emulator.stop();
  });

  it(`delivers ${MESSAGES} topic messages to each of ${SUBSCRIPTIONS.length} subscriptions exactly once with concurrent receivers`, async () => {
    const producer = createTestClient(emulator.connectionString);
    const sender = producer.createSender('load');
    let sent = 0;
    while (sent < MESSAGES) {
      const batch = await sender.createMessageBatch();
      while (sent < MESSAGES && batch.tryAddMessage({ body: sent, messageId: `m-${sent}` })) sent++;
      await sender.sendMessages(batch);
    }
    await producer.close();

    const consumers = SUBSCRIPTIONS.flatMap((subscription) =>
      Array.from({ length: RECEIVERS_PER_SUBSCRIPTION }, () => ({ subscription, client: createTestClient(emulator.connectionString) })),
    );
    const seen = new Map(SUBSCRIPTIONS.map((s) => [s, new Map<number, number>()]));
    const totals = new Map(SUBSCRIPTIONS.map((s) => [s, 0]));

    await Promise.all(
      consumers.map(async ({ subscription, client }) => {
        const receiver = client.createReceiver('load', subscription);
        for (;;) {
          if (totals.get(subscription)! >= MESSAGES) break;
          const messages: ServiceBusReceivedMessage[] = await receiver.receiveMessages(500, { maxWaitTimeInMs: 1000 });
          if (messages.length === 0) continue;
          // One outcome for the whole group, so rhea's disposition merging cannot change any outcome.
          await Promise.all(messages.map((m) => receiver.completeMessage(m)));
          const counts = seen.get(subscription)!;
          for (const m of messages) counts.set(m.body as number, (counts.get(m.body as number) ?? 0) + 1);
          totals.set(subscription, totals.get(subscription)! + messages.length);
        }
        await receiver.close();
        await client.close();
      }),
    );

    for (const subscription of SUBSCRIPTIONS) {
      const counts = seen.get(subscription)!;
      expect(counts.size).toBe(MESSAGES);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    }
    const check = createTestClient(emulator.connectionString);
    for (const subscription of SUBSCRIPTIONS) {
      const receiver = check.createReceiver('load', subscription);
      expect(await receiver.peekMessages(1)).toHaveLength(0);
      await receiver.close();
    }
    await check.close();
  }, 120_000);

  it('serves at least 20 concurrent client connections and closes them cleanly', async () => {
    const clients = Array.from({ length: 24 }, () => createTestClient(emulator.connectionString));
    await Promise.all(clients.map((client, i) => client.createSender('shared').sendMessages({ body: i })));
    const received = await Promise.all(
      clients.map(async (client) => {
        const receiver = client.createReceiver('shared', { receiveMode: 'receiveAndDelete' });
        const messages = await receiver.receiveMessages(1, { maxWaitTimeInMs: 3000 });
        await receiver.close();
        return messages.map((m) => m.body as number);
      }),
    );
    await Promise.all(clients.map((client) => client.close()));
    expect(received.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  }, 30_000);
});
