import { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmulatorProcess, startEmulatorProcess } from './emulator-process';
import { createTestClient, peekAll } from './testing/test-client';
import type { EmulatorTopology } from './topology';

const TOPOLOGY: EmulatorTopology = {
  queues: [{ name: 'orders', maxDeliveryCount: 5, requiresDuplicateDetection: true }],
  topics: [{ name: 'events', subscriptions: [{ name: 'all' }] }],
};
const MESSAGES = 20;
/** Far enough ahead that the schedules are still pending when the emulator comes back. */
const SCHEDULE_AHEAD_MS = 10_000;

const indexOf = (message: ServiceBusReceivedMessage) => Number(message.applicationProperties?.index);
const byIndex = (messages: ServiceBusReceivedMessage[]) => [...messages].sort((a, b) => indexOf(a) - indexOf(b));

async function receiveExactly(receiver: ReturnType<ServiceBusClient['createReceiver']>, count: number): Promise<ServiceBusReceivedMessage[]> {
  const received: ServiceBusReceivedMessage[] = [];
  while (received.length < count) {
    const batch = await receiver.receiveMessages(count - received.length, { maxWaitTimeInMs: 5_000 });
    if (batch.length === 0) throw new Error(`received ${received.length} of ${count} messages`);
    received.push(...batch);
  }
  return received;
}

describe('durable storage: a killed emulator restarts with every acknowledged change', () => {
  let dataDir: string;
  let emulator: EmulatorProcess | undefined;
  let client: ServiceBusClient | undefined;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sb-durable-'));
  });
  afterAll(async () => {
    await client?.close();
    await emulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps unsettled, abandoned, deferred, dead-lettered and scheduled messages, and loses none that were completed', async () => {
    emulator = await startEmulatorProcess(TOPOLOGY, { dataDir });
    client = createTestClient(emulator.connectionString);
    const sender = client.createSender('orders');
    await sender.sendMessages(
      Array.from({ length: MESSAGES }, (_, index) => ({ body: `order-${index}`, messageId: `m-${index}`, applicationProperties: { index } })),
    );
    const scheduledAt = new Date(Date.now() + SCHEDULE_AHEAD_MS);
    const scheduledOnQueue = await sender.scheduleMessages(
      [0, 1].map((n) => ({ body: `later-${n}`, messageId: `s-${n}`, applicationProperties: { index: 100 + n } })),
      scheduledAt,
    );
    const topicSender = client.createSender('events');
    await topicSender.sendMessages([0, 1, 2].map((index) => ({ body: `event-${index}`, applicationProperties: { index } })));
    await topicSender.scheduleMessages({ body: 'event-later', applicationProperties: { index: 200 } }, scheduledAt);

    // Settled one outcome at a time (see disposition-merge.int.spec.ts).
    const receiver = client.createReceiver('orders', { maxAutoLockRenewalDurationInMs: 0 });
    const received = byIndex(await receiveExactly(receiver, MESSAGES));
    for (const message of received.slice(0, 5)) await receiver.completeMessage(message);
    for (const message of received.slice(5, 8)) await receiver.abandonMessage(message, { attempt: 1 });
    for (const message of byIndex(await receiveExactly(receiver, 3))) await receiver.abandonMessage(message, { attempt: 2 });
    for (const message of received.slice(8, 11)) {
      await receiver.deadLetterMessage(message, { deadLetterReason: 'ContractViolation', deadLetterErrorDescription: `bad order ${indexOf(message)}` });
    }
    for (const message of received.slice(11, 13)) await receiver.deferMessage(message);
    // 13..19 stay locked by this receiver when the broker dies.
    const subscriptionReceiver = client.createReceiver('events', 'all');
    const [firstEvent] = byIndex(await receiveExactly(subscriptionReceiver, 3));
    await subscriptionReceiver.completeMessage(firstEvent);
    const deferredSequenceNumbers = received.slice(11, 13).map((message) => message.sequenceNumber!);
    const highestSequenceNumber = Math.max(...received.map((message) => message.sequenceNumber!.toNumber()), ...scheduledOnQueue.map((n) => n.toNumber()));

    await emulator.kill();
    await client.close();
    emulator = await startEmulatorProcess(TOPOLOGY, { dataDir });
    client = createTestClient(emulator.connectionString);
    expect(Date.now()).toBeLessThan(scheduledAt.getTime());

    const queue = client.createReceiver('orders', { maxAutoLockRenewalDurationInMs: 0 });
    const held = byIndex(await peekAll(queue));
    expect(held.map((m) => [indexOf(m), m.state, m.deliveryCount])).toEqual([
      [5, 'active', 2],
      [6, 'active', 2],
      [7, 'active', 2],
      [11, 'deferred', 1],
      [12, 'deferred', 1],
      ...[13, 14, 15, 16, 17, 18, 19].map((index) => [index, 'active', 0]),
      [100, 'scheduled', 0],
      [101, 'scheduled', 0],
    ]);
    expect(held.slice(0, 3).map((m) => m.applicationProperties)).toEqual([5, 6, 7].map((index) => ({ index, attempt: 2 })));
    expect(held.map((m) => m.body)).toEqual([...[5, 6, 7, 11, 12, 13, 14, 15, 16, 17, 18, 19].map((i) => `order-${i}`), 'later-0', 'later-1']);
    const originalSequence = new Map(received.map((m) => [indexOf(m), m.sequenceNumber!.toNumber()]));
    for (const message of held.filter((m) => indexOf(m) < MESSAGES)) {
      expect(message.sequenceNumber!.toNumber()).toBe(originalSequence.get(indexOf(message)));
    }

    const dlq = client.createReceiver('orders', { subQueueType: 'deadLetter' });
    const dead = byIndex(await peekAll(dlq));
    expect(dead.map((m) => [indexOf(m), m.deadLetterReason, m.deadLetterErrorDescription])).toEqual(
      [8, 9, 10].map((index) => [index, 'ContractViolation', `bad order ${index}`]),
    );

    const deferred = byIndex(await queue.receiveDeferredMessages(deferredSequenceNumbers));
    expect(deferred.map((m) => m.body)).toEqual(['order-11', 'order-12']);
    for (const message of deferred) await queue.completeMessage(message);

    const afterRestart = client.createSender('orders');
    await afterRestart.sendMessages({ body: 'resend of a completed one', messageId: 'm-3', applicationProperties: { index: 300 } });
    await afterRestart.sendMessages({ body: 'new', messageId: 'm-new', applicationProperties: { index: 301 } });
    const available = byIndex(await receiveExactly(queue, 11));
    expect(available.map(indexOf)).toEqual([5, 6, 7, 13, 14, 15, 16, 17, 18, 19, 301]);
    expect(available.at(-1)!.sequenceNumber!.toNumber()).toBeGreaterThan(highestSequenceNumber);
    for (const message of available) await queue.completeMessage(message);

    const events = client.createReceiver('events', 'all');
    expect(byIndex(await peekAll(events)).map(indexOf)).toEqual([1, 2]);

    const fired = byIndex([...(await receiveFrom(queue, 2)), ...(await receiveFrom(events, 3))]);
    expect(fired.map(indexOf)).toEqual([1, 2, 100, 101, 200]);
  }, 90_000);
});

async function receiveFrom(receiver: ReturnType<ServiceBusClient['createReceiver']>, count: number): Promise<ServiceBusReceivedMessage[]> {
  const received: ServiceBusReceivedMessage[] = [];
  const deadline = Date.now() + SCHEDULE_AHEAD_MS + 10_000;
  while (received.length < count && Date.now() < deadline) {
    received.push(...(await receiver.receiveMessages(count - received.length, { maxWaitTimeInMs: 2_000 })));
  }
  return received;
}
