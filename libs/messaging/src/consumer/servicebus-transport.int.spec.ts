import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { RecordDeletedV1, RecordStoredV1 } from '@comply/contracts';
import { until } from '@comply/testing';
import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { createMessagingTestBed, MessagingTestBed, recordStored } from '../testing/messaging-test-bed';
import { IncomingEvent } from './incoming-event';
import { PermanentError } from './permanent-error';
import { ServiceBusContext } from './servicebus-context';

/** How the handler behaves for a record, chosen by the test through the record's requestId. */
const attemptsByRecord = new Map<string, number>();
const batchSizes: number[] = [];
let serializationFailuresLeft = 0;

@Controller()
class RecordConsumer {
  @EventPattern('record.stored.v1')
  async stored(@Payload() event: RecordStoredV1, @Ctx() context: ServiceBusContext) {
    const attempt = (attemptsByRecord.get(event.recordId) ?? 0) + 1;
    attemptsByRecord.set(event.recordId, attempt);
    if (event.requestId.startsWith('fail-once') && attempt === 1) throw new Error('database hiccup');
    if (event.requestId.startsWith('fail-always')) throw new Error(`cannot store ${event.recordId}`);
    if (event.requestId.startsWith('reject')) throw new PermanentError('tenant is suspended', 'TenantSuspended');
    if (event.requestId.startsWith('bad-data')) {
      await context.tx.execute(sql`insert into effects (message_id, record_id) values (${context.messageId}, ${`${event.recordId}\u0000secret`})`);
    }
    await context.tx.execute(sql`insert into effects (message_id, record_id) values (${context.messageId}, ${event.recordId})`);
    if (event.requestId.startsWith('follow-up')) {
      await context.publish('record.deleted.v1', { tenantId: event.tenantId, recordId: event.recordId, reason: 'request', deletedAt: new Date().toISOString() });
    }
  }

  @EventPattern('record.deleted.v1', { batchSize: 500 })
  async deleted(@Payload() events: IncomingEvent<'record.deleted.v1'>[], @Ctx() context: ServiceBusContext) {
    batchSizes.push(events.length);
    const kept = events.filter((event) => {
      const { recordId } = event.payload as RecordDeletedV1;
      if (recordId.startsWith('locked-')) context.reject(event, 'RecordLocked', `record ${recordId} is under legal hold`);
      return !recordId.startsWith('locked-');
    });
    const rows = kept.map((e) => sql`(${e.messageId}, ${(e.payload as RecordDeletedV1).recordId})`);
    if (rows.length > 0) await context.tx.execute(sql`insert into effects (message_id, record_id) values ${sql.join(rows, sql`, `)}`);
    if (serializationFailuresLeft > 0) {
      serializationFailuresLeft -= 1;
      await context.tx.execute(sql.raw(`do $$ begin raise exception 'could not serialize access' using errcode = '40001'; end $$`));
    }
  }
}

@Module({ controllers: [RecordConsumer] })
class ConsumerModule {}

describe('ServiceBusTransport (analytics-ingest consuming core-events)', () => {
  let bed: MessagingTestBed;
  let consumer: INestMicroservice;
  let registry: Registry;

  beforeAll(async () => {
    bed = await createMessagingTestBed();
  });

  afterAll(() => bed.close());

  const startConsumer = () =>
    bed.startConsumer(ConsumerModule, {
      registry,
      concurrency: 16,
      retry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100, transientHoldMs: 0 },
    });

  beforeEach(async () => {
    registry = new Registry();
    consumer = await startConsumer();
  });

  afterEach(async () => {
    await consumer.close().catch(() => undefined);
    await bed.admin('delete from effects');
    await bed.admin('delete from messaging_outbox');
    await bed.drain('core-events', 'analytics-ingest', { deadLetter: true, quietMs: 100 });
  });

  async function send(
    bodies: Array<{ subject: string; body: unknown; messageId?: string; correlationId?: string; applicationProperties?: Record<string, string> }>,
  ) {
    const sender = bed.client.createSender('core-events');
    let batch = await sender.createMessageBatch();
    for (const [i, message] of bodies.entries()) {
      const wire = { messageId: message.messageId ?? `m-${Date.now()}-${i}-${Math.random()}`, ...message, contentType: 'application/json' };
      if (!batch.tryAddMessage(wire)) {
        await sender.sendMessages(batch);
        batch = await sender.createMessageBatch();
        batch.tryAddMessage(wire);
      }
    }
    await sender.sendMessages(batch);
    await sender.close();
  }

  /**
   * Sends while no consumer is attached, so all the messages wait in the subscription and the
   * first receive takes them together: a test of what happens inside one batch must not depend
   * on how a busy machine happens to split a stream into batches.
   */
  async function sendAsOneBatch(bodies: Parameters<typeof send>[0]) {
    await consumer.close();
    await send(bodies);
    registry = new Registry();
    consumer = await startConsumer();
  }

  const effects = () => bed.admin<{ message_id: string; record_id: string; tx: string }>('select * from effects');
  /** Messages this consumer has completed: once all are, nothing is left to redeliver. */
  const completed = async () => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === 'messaging_completed_total');
    return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? 0;
  };
  /** Drains the dead-letter queue until at least `count` messages have arrived there. */
  const deadLetters = async (count: number) => {
    const dead: ServiceBusReceivedMessage[] = [];
    await until(
      async () => {
        dead.push(...(await bed.drain('core-events', 'analytics-ingest', { deadLetter: true, quietMs: 200 })));
        return dead.length;
      },
      (n) => n >= count,
    );
    return dead;
  };
  const firstDeadLetters = () =>
    until(() => bed.drain('core-events', 'analytics-ingest', { deadLetter: true, quietMs: 200 }), (m) => m.length > 0);

  it('runs the effect exactly once for a handler that fails once, after a retry', async () => {
    const event = recordStored({ requestId: 'fail-once-1' });
    await send([{ subject: 'record.stored.v1', body: event, messageId: 'once-1' }]);
    const rows = await until(effects, (r) => r.length > 0);
    await until(() => completed(), (n) => n >= 1);
    expect((await effects()).map((r) => r.record_id)).toEqual([event.recordId]);
    expect(attemptsByRecord.get(event.recordId)).toBe(2);
    expect(rows[0].message_id).toBe('once-1');
    expect(await registry.metrics()).toMatch(/^messaging_retried_total\{subscription="core-events\/analytics-ingest"\} 1$/m);
  });

  it('dead-letters a message whose handler always fails after the configured attempts, with the error', async () => {
    const event = recordStored({ requestId: 'fail-always-1' });
    await send([{ subject: 'record.stored.v1', body: event }]);
    const [dead] = await firstDeadLetters();
    expect(dead.deadLetterReason).toBe('MaxAttemptsExceeded');
    expect(dead.deadLetterErrorDescription).toBe(`failed 3 times; last error: Error: cannot store ${event.recordId}`);
    expect(attemptsByRecord.get(event.recordId)).toBe(3);
    expect(await effects()).toEqual([]);
  });

  it('dead-letters at once, with its reason, a message the handler rejects permanently', async () => {
    const event = recordStored({ requestId: 'reject-1' });
    await send([{ subject: 'record.stored.v1', body: event }]);
    const [dead] = await firstDeadLetters();
    expect(dead.deadLetterReason).toBe('TenantSuspended');
    expect(dead.deadLetterErrorDescription).toBe('PermanentError: tenant is suspended');
    expect(attemptsByRecord.get(event.recordId)).toBe(1);
  });

  it('dead-letters a body that breaks the contract with the issues, without calling the handler', async () => {
    const event = { ...recordStored(), confidence: 1.5, extra: true };
    await send([{ subject: 'record.stored.v1', body: event }]);
    const [dead] = await firstDeadLetters();
    expect(dead.deadLetterReason).toBe('ContractViolation');
    const issues = JSON.parse(String(dead.deadLetterErrorDescription)) as Array<{ path: string; message: string }>;
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['confidence']));
    expect(attemptsByRecord.has(event.recordId)).toBe(false);
  });

  it('dead-letters JSON text holding bytes that are not UTF-8, rather than reading them as U+FFFD', async () => {
    const text = JSON.stringify(recordStored({ requestId: 'not-utf8-1' }));
    const body = Buffer.concat([Buffer.from(text.slice(0, -2)), Buffer.from([0xed, 0xa0, 0x80, 0xff]), Buffer.from(text.slice(-2))]);
    await send([{ subject: 'record.stored.v1', body, messageId: 'not-utf8-1' }]);
    const [dead] = await firstDeadLetters();
    expect(dead.messageId).toBe('not-utf8-1');
    expect(dead.deadLetterReason).toBe('ContractViolation');
    expect(dead.deadLetterErrorDescription).toBe('body is not valid UTF-8');
    expect(await effects()).toEqual([]);
  });

  it('publishes follow-up events through the outbox of the handler transaction, carrying correlation and causation', async () => {
    const event = recordStored({ requestId: 'follow-up-1' });
    await send([
      { subject: 'record.stored.v1', body: event, messageId: 'cause-1', correlationId: 'flow-9', applicationProperties: { tenantId: 'tenant-a' } },
    ]);
    const outbox = await until(
      () => bed.admin<{ subject: string; correlation_id: string; causation_id: string; tenant_id: string }>(
        'select subject, correlation_id, causation_id, tenant_id from messaging_outbox',
      ),
      (rows) => rows.length > 0,
    );
    expect(outbox).toEqual([{ subject: 'record.deleted.v1', correlation_id: 'flow-9', causation_id: 'cause-1', tenant_id: 'tenant-a' }]);
  });

  it('under concurrency, never completes a failing message: each is retried, then dead-lettered', async () => {
    const events = Array.from({ length: 200 }, (_, i) => recordStored({ requestId: i % 2 ? `fail-always-c${i}` : `ok-c${i}` }));
    await send(events.map((body) => ({ subject: 'record.stored.v1', body })));
    const allDead = await deadLetters(100);
    const done = await until(effects, (r) => r.length >= 100);
    expect(done).toHaveLength(100);
    expect(allDead).toHaveLength(100);
    expect(new Set(allDead.map((m) => m.deadLetterReason))).toEqual(new Set(['MaxAttemptsExceeded']));
    expect(allDead.every((m) => String((m.body as RecordStoredV1).requestId).startsWith('fail-always'))).toBe(true);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/^messaging_completed_total\{subscription="core-events\/analytics-ingest"\} 100$/m);
    expect(metrics).toMatch(/^messaging_retried_total\{subscription="core-events\/analytics-ingest"\} 200$/m);
  }, 60_000);

  it('hands a batch handler up to its batch size per call and commits once per batch (10,000 events)', async () => {
    batchSizes.length = 0;
    const deletions = Array.from({ length: 10_000 }, (_, i) => ({
      subject: 'record.deleted.v1',
      body: { tenantId: 'tenant-a', recordId: `del-${i}`, reason: 'retention', deletedAt: new Date().toISOString() },
    }));
    await send(deletions);
    const rows = await until(effects, (r) => r.length >= 10_000, { timeoutMs: 60_000 });
    expect(rows).toHaveLength(10_000);
    expect(new Set(rows.map((r) => r.record_id)).size).toBe(10_000);
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(500);
    expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(10_000);
    // One transaction per handler call: as many distinct transaction ids as calls.
    expect(new Set(rows.map((r) => r.tx)).size).toBe(batchSizes.length);
    expect(batchSizes.length).toBeLessThan(10_000 / 10);
  }, 90_000);

  const deletion = (recordId: string) => ({
    subject: 'record.deleted.v1',
    body: { tenantId: 'tenant-a', recordId, reason: 'retention', deletedAt: new Date().toISOString() },
    applicationProperties: { tenantId: 'tenant-a' },
  });

  it('dead-letters each bad message of a batch with its own reason and commits the valid rest in one transaction', async () => {
    batchSizes.length = 0;
    const valid = Array.from({ length: 50 }, (_, i) => deletion(`batch-ok-${i}`));
    await send([
      ...valid.slice(0, 25),
      { ...deletion('batch-malformed'), messageId: 'malformed-1', body: { ...deletion('x').body, reason: 'whim' } },
      { ...deletion('batch-other-tenant'), messageId: 'mismatch-1', applicationProperties: { tenantId: 'tenant-b' } },
      ...valid.slice(25),
    ]);
    const dead = await deadLetters(2);
    const byId = Object.fromEntries(dead.map((m) => [m.messageId, { reason: m.deadLetterReason, description: m.deadLetterErrorDescription }]));
    expect(byId['mismatch-1']).toEqual({ reason: 'TenantMismatch', description: 'Message tenantId property "tenant-b" differs from the body\'s tenantId "tenant-a"' });
    expect(byId['malformed-1'].reason).toBe('ContractViolation');
    expect(JSON.parse(String(byId['malformed-1'].description))).toEqual([{ path: 'reason', message: expect.stringContaining('Invalid option') }]);
    const rows = await until(effects, (r) => r.length >= 50);
    expect(rows).toHaveLength(50);
    expect(batchSizes.reduce((a, b) => a + b, 0)).toBe(50);
    expect(new Set(rows.map((r) => r.tx)).size).toBe(batchSizes.length);
  });

  it('lets a batch handler reject single events: they are dead-lettered and forgotten by the inbox, the rest commits together', async () => {
    batchSizes.length = 0;
    await sendAsOneBatch([deletion('kept-1'), { ...deletion('locked-1'), messageId: 'locked-message-1' }, deletion('kept-2')]);
    const [dead] = await firstDeadLetters();
    expect(batchSizes).toEqual([3]);
    expect(dead.messageId).toBe('locked-message-1');
    expect(dead.deadLetterReason).toBe('RecordLocked');
    expect(dead.deadLetterErrorDescription).toBe('record locked-1 is under legal hold');
    const rows = await until(effects, (r) => r.length >= 2);
    expect(rows.map((r) => r.record_id).sort()).toEqual(['kept-1', 'kept-2']);
    expect(new Set(rows.map((r) => r.tx)).size).toBe(1);
    expect(await bed.admin(`select 1 from messaging_inbox where message_id = 'locked-message-1'`)).toEqual([]);
  });

  it('retries a whole batch after a serialization failure instead of handling it message by message', async () => {
    batchSizes.length = 0;
    serializationFailuresLeft = 1;
    await sendAsOneBatch(Array.from({ length: 20 }, (_, i) => deletion(`retry-batch-${i}`)));
    const rows = await until(effects, (r) => r.length >= 20);
    await until(() => completed(), (n) => n >= 20);
    expect(await effects()).toHaveLength(20);
    expect(batchSizes.every((size) => size > 1)).toBe(true);
    expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(20);
    expect(await registry.metrics()).toMatch(/^messaging_retried_total\{subscription="core-events\/analytics-ingest"\} \d+$/m);
  });

  it('dead-letters at once, as InvalidData naming the SQLSTATE but not the value, a message whose data the database refuses', async () => {
    const event = recordStored({ requestId: 'bad-data-1' });
    await send([{ subject: 'record.stored.v1', body: event }]);
    const [dead] = await firstDeadLetters();
    expect(dead.deadLetterReason).toBe('InvalidData');
    expect(dead.deadLetterErrorDescription).toBe('SQLSTATE 22021 character_not_in_repertoire');
    expect(attemptsByRecord.get(event.recordId)).toBe(1);
  });

  it('abandons messages waiting for a retry when it stops, so no lock is left behind', async () => {
    await consumer.close();
    consumer = await bed.startConsumer(ConsumerModule, { retry: { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 30_000, transientHoldMs: 0 } });
    const event = recordStored({ requestId: 'fail-always-stop' });
    await send([{ subject: 'record.stored.v1', body: event }]);
    await until(async () => attemptsByRecord.get(event.recordId) ?? 0, (n) => n >= 1);
    const stopped = Date.now();
    await consumer.close();
    expect(Date.now() - stopped).toBeLessThan(5_000);
    const [again] = await bed.drain('core-events', 'analytics-ingest', { quietMs: 3_000 });
    expect(again?.messageId).toBeDefined();
    expect(again.deliveryCount).toBe(1);
  }, 30_000);
});
