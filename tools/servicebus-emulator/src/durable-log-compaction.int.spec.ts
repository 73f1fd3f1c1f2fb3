import { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningEmulator, startEmulator } from './start-emulator';
import { LOG_FILE } from './storage/log-compaction';
import { createTestClient, peekAll } from './testing/test-client';
import type { EmulatorTopology } from './topology';

const TOPOLOGY: EmulatorTopology = {
  queues: [{ name: 'work', requiresDuplicateDetection: true }],
  topics: [{ name: 'events', subscriptions: [{ name: 'all' }] }],
};
const BODY = 'x'.repeat(1_000);

/** What a receiver can observe of an entity's messages, in sequence order. */
function observable(messages: ServiceBusReceivedMessage[]): unknown[] {
  return messages.map((m) => ({
    sequenceNumber: m.sequenceNumber!.toNumber(),
    body: m.body,
    state: m.state,
    deliveryCount: m.deliveryCount,
    enqueuedTimeUtc: m.enqueuedTimeUtc?.getTime(),
    scheduledEnqueueTimeUtc: m.scheduledEnqueueTimeUtc?.getTime(),
    expiresAtUtc: m.expiresAtUtc?.getTime(),
    applicationProperties: m.applicationProperties,
    deadLetterReason: m.deadLetterReason,
  }));
}

describe('durable storage: log compaction', () => {
  let dataDir: string;
  let emulator: RunningEmulator | undefined;
  let client: ServiceBusClient | undefined;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sb-compaction-'));
  });
  afterEach(async () => {
    await client?.close();
    await emulator?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(compactLogAboveBytes?: number): Promise<ServiceBusClient> {
    emulator = await startEmulator({ port: 0, topology: TOPOLOGY, dataDir, compactLogAboveBytes });
    client = createTestClient(emulator.connectionString);
    return client;
  }

  async function restart(): Promise<ServiceBusClient> {
    await client!.close();
    await emulator!.stop();
    return start();
  }

  async function state(bus: ServiceBusClient): Promise<unknown[]> {
    const receivers = [
      bus.createReceiver('work'),
      bus.createReceiver('work', { subQueueType: 'deadLetter' }),
      bus.createReceiver('events', 'all'),
    ];
    const observed = await Promise.all(receivers.map(async (receiver) => observable(await peekAll(receiver))));
    await Promise.all(receivers.map((receiver) => receiver.close()));
    return observed;
  }

  const logSize = () => statSync(join(dataDir, LOG_FILE)).size;

  it('rewrites the log to the live state without changing it, and a restart reads the rewritten log', async () => {
    const bus = await start();
    const sender = bus.createSender('work');
    await sender.sendMessages(Array.from({ length: 60 }, (_, index) => ({ body: BODY, messageId: `w-${index}`, applicationProperties: { index } })));
    await sender.scheduleMessages({ body: 'later', messageId: 'later' }, new Date(Date.now() + 3_600_000));
    await bus.createSender('events').sendMessages({ body: 'expiring', timeToLive: 3_600_000 });
    await bus.createSender('events').scheduleMessages({ body: 'event later' }, new Date(Date.now() + 3_600_000));
    const receiver = bus.createReceiver('work');
    const received = await receiver.receiveMessages(60, { maxWaitTimeInMs: 3_000 });
    expect(received).toHaveLength(60);
    for (const message of received.slice(0, 50)) await receiver.completeMessage(message);
    await receiver.abandonMessage(received[50], { retried: true });
    await receiver.deadLetterMessage(received[51], { deadLetterReason: 'Poison', deadLetterErrorDescription: 'bad' });
    await receiver.deferMessage(received[52]);
    await receiver.close();

    const before = await state(bus);
    const sizeBefore = logSize();
    await emulator!.compactStorage();
    expect(logSize()).toBeLessThan(sizeBefore / 2);
    expect(await state(bus)).toEqual(before);

    const afterRestart = await restart();
    expect(await state(afterRestart)).toEqual(before);
    // Duplicate detection and sequence numbers carry over the rewrite as well.
    await afterRestart.createSender('work').sendMessages([{ body: 'resend', messageId: 'w-1' }, { body: 'new', messageId: 'w-new' }]);
    const [work] = (await state(afterRestart)) as Array<Array<{ body: unknown; sequenceNumber: number }>>;
    expect(work.filter((m) => m.body === 'resend')).toHaveLength(0);
    // 60 sent and one scheduled before the restart.
    expect(work.find((m) => m.body === 'new')!.sequenceNumber).toBeGreaterThan(61);
  });

  it('compacts by itself once the log has grown past its threshold, so a busy queue keeps a small log', async () => {
    const threshold = 64 * 1024;
    const bus = await start(threshold);
    const sender = bus.createSender('work');
    const receiver = bus.createReceiver('work', { receiveMode: 'receiveAndDelete' });
    for (let round = 0; round < 20; round++) {
      await sender.sendMessages(Array.from({ length: 50 }, () => ({ body: BODY })));
      let received = 0;
      while (received < 50) received += (await receiver.receiveMessages(50 - received, { maxWaitTimeInMs: 3_000 })).length;
    }
    await sender.sendMessages({ body: 'last' });
    // 1,001 messages of 1 kB went through: over 1 MB of records without compaction. With it the log
    // stays under twice the larger of the threshold and twice the live state (up to 50 messages here).
    expect(logSize()).toBeLessThan(4 * threshold);
    const afterRestart = await restart();
    const [work] = (await state(afterRestart)) as Array<Array<{ body: unknown }>>;
    expect(work.map((m) => m.body)).toEqual(['last']);
  });
});
