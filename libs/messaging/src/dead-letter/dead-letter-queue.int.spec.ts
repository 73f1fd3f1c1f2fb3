import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import { RecordStoredV1 } from '@comply/contracts';
import { createLogger } from '@comply/observability';
import { RunningEmulator } from '@comply/servicebus-emulator';
import { drainSubscription, startTestServiceBus, until } from '@comply/testing';
import { sql } from 'drizzle-orm';
import { ServiceBusContext } from '../consumer/servicebus-context';
import { createMessagingTestBed, MessagingTestBed, recordStored, silentLogger, TEST_RETRY } from '../testing/messaging-test-bed';
import { DeadLetterQueue } from './dead-letter-queue';

const POLL = { timeoutMs: 20_000 };

interface Dead {
  messageId: string;
  correlationId: string;
  reason: string;
  body?: unknown;
}

/** Publishes record.stored.v1 messages and dead-letters them on core-events/analytics-ingest with the given reasons. */
async function deadLetterOnBackupWorker(client: ServiceBusClient, messages: Dead[]): Promise<void> {
  const sender = client.createSender('core-events');
  await sender.sendMessages(
    messages.map((m) => ({
      messageId: m.messageId,
      correlationId: m.correlationId,
      subject: 'record.stored.v1',
      contentType: 'application/json',
      body: m.body ?? recordStored(),
      applicationProperties: { tenantId: 'tenant-a' },
    })),
  );
  await sender.close();
  const receiver = client.createReceiver('core-events', 'analytics-ingest', { receiveMode: 'peekLock' });
  const received: ServiceBusReceivedMessage[] = [];
  while (received.length < messages.length) received.push(...(await receiver.receiveMessages(messages.length - received.length, { maxWaitTimeInMs: 5_000 })));
  // One at a time: neighbouring dispositions in one tick would be merged by rhea.
  for (const message of received) {
    const { reason } = messages.find((m) => m.messageId === message.messageId)!;
    await receiver.deadLetterMessage(message, { deadLetterReason: reason, deadLetterErrorDescription: `${reason} for ${String(message.messageId)}` });
  }
  await receiver.close();
}

function drain(client: ServiceBusClient, subscription: string, options: { deadLetter?: boolean; quietMs?: number } = {}) {
  return drainSubscription(client, 'core-events', subscription, options);
}

describe('DeadLetterQueue (core-events/analytics-ingest)', () => {
  // Each test waits out a few quiet periods to prove that nothing else arrives.
  jest.setTimeout(20_000);

  let bus: RunningEmulator;
  let client: ServiceBusClient;
  let queue: DeadLetterQueue;
  const logLines: Array<Record<string, unknown>> = [];
  /** Ids differ per test: the topic's duplicate detection drops a messageId it has seen in the last 10 minutes. */
  let run = 0;
  const id = (n: number) => `m${run}-${n}`;

  beforeAll(async () => {
    bus = await startTestServiceBus();
    client = new ServiceBusClient(bus.connectionString, { retryOptions: TEST_RETRY });
    const logger = createLogger({ service: 'dlq-spec', level: 'info', destination: { write: (line: string) => logLines.push(JSON.parse(line)) } });
    queue = new DeadLetterQueue({ client, subscription: { topic: 'core-events', name: 'analytics-ingest' }, logger, quietMs: 500 });
  });

  afterAll(async () => {
    await client.close();
    await bus.stop();
  });

  beforeEach(async () => {
    logLines.length = 0;
    run += 1;
    await deadLetterOnBackupWorker(client, [
      { messageId: id(1), correlationId: 'flow-1', reason: 'ContractViolation', body: { ...recordStored(), recordId: 'rec-1' } },
      { messageId: id(2), correlationId: 'flow-2', reason: 'MaxAttemptsExceeded' },
      { messageId: id(3), correlationId: 'flow-3', reason: 'TenantSuspended' },
    ]);
    // The same events reached the other subscription of their subject; clear it for the routing checks.
    await drain(client, 'billing');
  });

  afterEach(async () => {
    await Promise.all(['analytics-ingest', 'billing'].flatMap((s) => [drain(client, s), drain(client, s, { deadLetter: true })]));
  });

  it('lists dead letters with their reasons without locking them', async () => {
    const listed = await queue.list();
    expect(listed.map(({ messageId, subject, deliveryCount, deadLetterReason, deadLetterErrorDescription, correlationId }) => ({
      messageId,
      subject,
      deliveryCount,
      deadLetterReason,
      deadLetterErrorDescription,
      correlationId,
    }))).toEqual([
      { messageId: id(1), subject: 'record.stored.v1', deliveryCount: 0, deadLetterReason: 'ContractViolation', deadLetterErrorDescription: `ContractViolation for ${id(1)}`, correlationId: 'flow-1' },
      { messageId: id(2), subject: 'record.stored.v1', deliveryCount: 0, deadLetterReason: 'MaxAttemptsExceeded', deadLetterErrorDescription: `MaxAttemptsExceeded for ${id(2)}`, correlationId: 'flow-2' },
      { messageId: id(3), subject: 'record.stored.v1', deliveryCount: 0, deadLetterReason: 'TenantSuspended', deadLetterErrorDescription: `TenantSuspended for ${id(3)}`, correlationId: 'flow-3' },
    ]);
    expect(listed.every((m) => /^\d+$/.test(m.sequenceNumber) && m.enqueuedTime instanceof Date)).toBe(true);
    expect(await queue.list({ max: 2 })).toHaveLength(2);
    // Peeking took no lock: a receiver gets all three at once.
    expect((await drain(client, 'analytics-ingest', { deadLetter: true })).map((m) => m.messageId)).toEqual([id(1), id(2), id(3)]);
  });

  it('shows one message in full, by messageId or sequence number', async () => {
    const shown = await queue.show({ messageId: id(1) });
    expect(shown).toMatchObject({
      messageId: id(1),
      correlationId: 'flow-1',
      contentType: 'application/json',
      deadLetterReason: 'ContractViolation',
      applicationProperties: expect.objectContaining({ tenantId: 'tenant-a', DeadLetterReason: 'ContractViolation' }),
      body: expect.objectContaining({ recordId: 'rec-1' }),
    });
    expect((await queue.show({ sequenceNumber: shown!.sequenceNumber }))?.messageId).toBe(id(1));
    expect(await queue.show({ messageId: 'no-such-message' })).toBeUndefined();
  });

  it('replays one message to its own subscription only: new messageId, same correlation, replayOf, and records it', async () => {
    const [first] = await queue.list();
    const result = await queue.replay({ messageIds: [id(1), 'no-such-message'] });
    const replayMessageId = `${id(1)}:replay:analytics-ingest:${first.sequenceNumber}`;
    expect(result).toEqual({ replayed: [{ messageId: id(1), replayMessageId, correlationId: 'flow-1' }], notFound: ['no-such-message'] });

    const [copy, ...more] = await drain(client, 'analytics-ingest', { quietMs: 1_000 });
    expect(more).toEqual([]);
    expect(copy).toMatchObject({ messageId: replayMessageId, correlationId: 'flow-1', subject: 'record.stored.v1', contentType: 'application/json', deliveryCount: 0 });
    expect(copy.applicationProperties).toEqual({ tenantId: 'tenant-a', replayedFor: 'analytics-ingest', replayOf: id(1) });
    expect(copy.body).toMatchObject({ recordId: 'rec-1' });
    expect(await drain(client, 'billing')).toEqual([]);

    expect((await queue.list()).map((m) => m.messageId)).toEqual([id(2), id(3)]);
    expect(logLines).toEqual([
      expect.objectContaining({ msg: 'dead letter replayed', subscription: 'core-events/analytics-ingest', messageId: id(1), replayMessageId, correlationId: 'flow-1' }),
    ]);
  });

  it('replays everything the dead-letter queue held when asked for all', async () => {
    const result = await queue.replay();
    expect(result.replayed.map((r) => r.messageId)).toEqual([id(1), id(2), id(3)]);
    expect(result.notFound).toEqual([]);
    expect(await queue.list()).toEqual([]);
    const copies = await drain(client, 'analytics-ingest');
    expect(copies.map((m) => [m.applicationProperties?.replayOf, m.correlationId])).toEqual([
      [id(1), 'flow-1'],
      [id(2), 'flow-2'],
      [id(3), 'flow-3'],
    ]);
    expect(await drain(client, 'billing')).toEqual([]);
  });

  it('points a replay of a replay at the message as first published', async () => {
    await queue.replay({ messageIds: [id(2)] });
    const receiver = client.createReceiver('core-events', 'analytics-ingest');
    const [copy] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
    await receiver.deadLetterMessage(copy, { deadLetterReason: 'MaxAttemptsExceeded', deadLetterErrorDescription: 'failed again' });
    await receiver.close();

    const again = await queue.replay({ messageIds: [String(copy.messageId)] });
    expect(again.replayed[0].replayMessageId).toMatch(new RegExp(`^${id(2)}:replay:analytics-ingest:\\d+$`));
    expect(again.replayed[0].replayMessageId).not.toBe(copy.messageId);
    const [second] = await drain(client, 'analytics-ingest');
    expect(second.applicationProperties).toMatchObject({ replayOf: id(2), replayedFor: 'analytics-ingest' });
    expect(second.applicationProperties).not.toHaveProperty('DeadLetterReason');
  });

  it('purges selected messages, then all, and leaves other subscriptions alone', async () => {
    expect(await queue.purge({ messageIds: [id(2)] })).toEqual({ purged: [id(2)], notFound: [] });
    expect((await queue.list()).map((m) => m.messageId)).toEqual([id(1), id(3)]);
    expect(await queue.purge()).toEqual({ purged: [id(1), id(3)], notFound: [] });
    expect(await queue.list()).toEqual([]);
    expect(await drain(client, 'analytics-ingest')).toEqual([]);
    expect(logLines.map((l) => [l.msg, l.messageId])).toEqual([
      ['dead letter purged', id(2)],
      ['dead letter purged', id(1)],
      ['dead letter purged', id(3)],
    ]);
  });

  it('releases the messages it passed over, which stay in the dead-letter queue', async () => {
    await queue.replay({ messageIds: [id(3)] });
    const left = await drain(client, 'analytics-ingest', { deadLetter: true });
    expect(left.map((m) => m.messageId)).toEqual([id(1), id(2)]);
  });
});

/** How the handler behaves: broken until the test repairs it. */
const handler = { broken: true, seen: [] as Array<{ messageId?: string; correlationId?: string }> };

@Controller()
class RecordConsumer {
  @EventPattern('record.stored.v1')
  async stored(@Payload() event: RecordStoredV1, @Ctx() context: ServiceBusContext) {
    handler.seen.push({ messageId: context.messageId, correlationId: context.correlationId });
    if (handler.broken) throw new Error(`cannot store ${event.recordId}`);
    await context.tx.execute(sql`insert into effects (message_id, record_id) values (${context.messageId}, ${event.recordId})`);
  }
}

@Module({ controllers: [RecordConsumer] })
class ConsumerModule {}

describe('replaying through the consumer transport', () => {
  let bed: MessagingTestBed;
  let consumer: INestMicroservice;

  beforeAll(async () => {
    bed = await createMessagingTestBed();
    consumer = await bed.startConsumer(ConsumerModule, { retry: { maxAttempts: 2, baseDelayMs: 20, maxDelayMs: 50, transientHoldMs: 0 } });
  });

  afterAll(async () => {
    await consumer.close();
    await bed.close();
  });

  it('handles a message dead-lettered by a failing handler once it is replayed after the fix, exactly once', async () => {
    const queue = new DeadLetterQueue({ client: bed.client, subscription: { topic: 'core-events', name: 'analytics-ingest' }, logger: silentLogger, quietMs: 500 });
    const event = recordStored();
    const sender = bed.client.createSender('core-events');
    await sender.sendMessages({ messageId: 'broken-1', correlationId: 'flow-broken', subject: 'record.stored.v1', contentType: 'application/json', body: event });
    await sender.close();

    const [dead] = await until(() => queue.list(), (m) => m.length > 0, POLL);
    expect(dead).toMatchObject({ messageId: 'broken-1', deadLetterReason: 'MaxAttemptsExceeded' });

    handler.broken = false;
    const { replayed } = await queue.replay({ messageIds: ['broken-1'] });
    const effects = await until(
      () => bed.admin<{ message_id: string; record_id: string }>('select message_id, record_id from effects'),
      (rows) => rows.length > 0,
      POLL,
    );
    expect(effects).toEqual([{ message_id: replayed[0].replayMessageId, record_id: event.recordId }]);
    expect(handler.seen.at(-1)).toEqual({ messageId: replayed[0].replayMessageId, correlationId: 'flow-broken' });
    // Settled means nothing is left to redeliver: the subscription and its dead-letter queue are both empty.
    const waiting = async () => {
      const receiver = bed.client.createReceiver('core-events', 'analytics-ingest');
      try {
        return (await receiver.peekMessages(1)).length;
      } finally {
        await receiver.close();
      }
    };
    await until(waiting, (count) => count === 0, POLL);
    expect(await queue.list()).toEqual([]);
    expect(await bed.admin('select 1 from effects')).toHaveLength(1);
  }, 30_000);
});
