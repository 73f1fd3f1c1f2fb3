import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { RecordStoredV1 } from '@comply/contracts';
import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { createMessagingTestBed, MessagingTestBed, recordStored, silentLogger } from '../testing/messaging-test-bed';
import { ConsumerMetrics } from './consumer-metrics';
import { EventHandler, MessageProcessor } from './message-processor';
import { ServiceBusContext } from './servicebus-context';

/** A delivered message as the SDK hands it over (only the fields the processor reads). */
function delivered(messageId: string, payload: RecordStoredV1, deliveryCount = 0): ServiceBusReceivedMessage {
  return {
    messageId,
    subject: 'record.stored.v1',
    body: payload,
    deliveryCount,
    applicationProperties: { tenantId: payload.tenantId },
  } as unknown as ServiceBusReceivedMessage;
}

describe('MessageProcessor inbox (idempotent consumer)', () => {
  let bed: MessagingTestBed;
  let calls = 0;
  let failNext = false;

  const handler: EventHandler = {
    batch: false,
    inbox: true,
    async invoke(payload, context: ServiceBusContext) {
      calls += 1;
      const event = payload as RecordStoredV1;
      await context.tx.execute(sql`insert into effects (message_id, record_id) values (${context.messageId}, ${event.recordId})`);
      if (failNext) {
        failNext = false;
        throw new Error('failed after writing');
      }
    },
  };

  const processor = (handling: EventHandler | null = handler) =>
    new MessageProcessor({
      subscription: 'core-events/analytics-ingest',
      subjects: ['record.stored.v1'],
      handlerFor: () => handling ?? undefined,
      database: bed.app,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10, transientHoldMs: 0 },
      logger: silentLogger,
    });

  beforeAll(async () => {
    bed = await createMessagingTestBed();
  });

  afterAll(() => bed.close());

  beforeEach(async () => {
    calls = 0;
    await bed.admin('delete from effects');
  });

  it('completes a redelivered message without running the handler again', async () => {
    const message = delivered('dup-1', recordStored());
    expect(await processor().processOne(message)).toEqual({ kind: 'complete', duplicate: false });
    expect(await processor().processOne({ ...message, deliveryCount: 1 } as ServiceBusReceivedMessage)).toEqual({
      kind: 'complete',
      duplicate: true,
    });
    expect(calls).toBe(1);
    expect(await bed.admin('select message_id from effects')).toEqual([{ message_id: 'dup-1' }]);
    const inbox = await bed.admin('select subscription, message_id from messaging_inbox where message_id = $1', ['dup-1']);
    expect(inbox).toEqual([{ subscription: 'core-events/analytics-ingest', message_id: 'dup-1' }]);
  });

  it('rolls the inbox entry back with the effects when the handler fails, so the retry runs', async () => {
    const message = delivered('retry-1', recordStored());
    failNext = true;
    expect(await processor().processOne(message)).toMatchObject({ kind: 'retry', error: 'Error: failed after writing' });
    expect(await bed.admin('select * from effects')).toEqual([]);
    expect(await bed.admin(`select * from messaging_inbox where message_id = 'retry-1'`)).toEqual([]);
    expect(await processor().processOne({ ...message, deliveryCount: 1 } as ServiceBusReceivedMessage)).toEqual({
      kind: 'complete',
      duplicate: false,
    });
    expect(await bed.admin('select message_id from effects')).toEqual([{ message_id: 'retry-1' }]);
  });

  describe("a transient failure (here the handler's own database session terminated under it)", () => {
    /** A handler whose session is terminated on its first `failures` calls (Infinity: every call), then stores its effect. */
    const losingItsSession = (failures: number, batch = false): EventHandler => ({
      batch,
      inbox: true,
      async invoke(payload, context: ServiceBusContext) {
        calls += 1;
        if (calls <= failures) await context.tx.execute(sql`select pg_terminate_backend(pg_backend_pid())`);
        const events = batch ? (payload as Array<{ messageId: string; payload: RecordStoredV1 }>) : [{ messageId: context.messageId, payload: payload as RecordStoredV1 }];
        for (const event of events) await context.tx.execute(sql`insert into effects (message_id, record_id) values (${event.messageId}, ${event.payload.recordId})`);
      },
    });
    const holding = (handling: EventHandler, transientHoldMs: number, baseDelayMs = 10, metrics?: ConsumerMetrics) =>
      new MessageProcessor({
        subscription: 'core-events/analytics-ingest',
        subjects: ['record.stored.v1'],
        handlerFor: () => handling,
        database: bed.app,
        retry: { maxAttempts: 3, baseDelayMs, maxDelayMs: baseDelayMs, transientHoldMs },
        logger: silentLogger,
        metrics,
      });

    it('is retried in place, the same delivery, until it succeeds: no delivery spent, the effect once, the retries counted', async () => {
      const registry = new Registry();
      const outcome = await holding(losingItsSession(2), 60_000, 10, new ConsumerMetrics(registry)).processOne(delivered('hold-1', recordStored()));
      expect(outcome).toEqual({ kind: 'complete', duplicate: false });
      expect(calls).toBe(3);
      expect(await bed.admin('select message_id from effects')).toEqual([{ message_id: 'hold-1' }]);
      expect(await registry.metrics()).toMatch(/^messaging_retried_in_place_total\{subscription="core-events\/analytics-ingest"\} 2$/m);
    });

    it('retries a batch in place as one transaction', async () => {
      const messages = ['hold-b1', 'hold-b2', 'hold-b3'].map((id) => delivered(id, recordStored()));
      const outcomes = await holding(losingItsSession(1, true), 60_000).processBatch(messages);
      expect(outcomes).toEqual(messages.map(() => ({ kind: 'complete', duplicate: false })));
      expect(calls).toBe(2);
      expect(await bed.admin('select message_id from effects order by 1')).toEqual([{ message_id: 'hold-b1' }, { message_id: 'hold-b2' }, { message_id: 'hold-b3' }]);
    });

    it('is given back to the broker for a redelivery once the hold is over', async () => {
      const outcome = await holding(losingItsSession(Infinity), 200).processOne(delivered('hold-2', recordStored()));
      expect(outcome).toMatchObject({ kind: 'retry', error: expect.stringMatching(/57P01|Connection terminated/) });
      expect(calls).toBeGreaterThan(1);
      expect(await bed.admin('select * from effects')).toEqual([]);
    });

    it('is given back at once when the consumer stops, however long the hold, without another attempt', async () => {
      const metrics = new ConsumerMetrics(new Registry());
      const processor = holding(losingItsSession(Infinity), 600_000, 60_000, metrics);
      const outcome = processor.processOne(delivered('hold-3', recordStored()));
      // Counted as the retry starts waiting out its backoff: stop while it waits.
      while ((await metrics.retriedInPlace.get()).values[0]?.value !== 1) await new Promise((resolve) => setTimeout(resolve, 10));
      processor.stopRetrying();
      expect(await outcome).toMatchObject({ kind: 'retry' });
      expect(calls).toBe(1);
    });
  });

  it('runs the handler with the message tenant as row-level-security context', async () => {
    let seen: string | undefined;
    const tenantAware: EventHandler = {
      batch: false,
      inbox: true,
      async invoke(_payload, context: ServiceBusContext) {
        const result = await context.tx.execute<{ tenant: string }>(sql`select current_setting('app.tenant_id', true) as tenant`);
        seen = result.rows[0].tenant;
      },
    };
    await processor(tenantAware).processOne(delivered('tenant-1', recordStored({ tenantId: 'tenant-b' })));
    expect(seen).toBe('tenant-b');
  });

  it('hands a batch handler at most its batchSize messages per call, each call its own transaction', async () => {
    const transactions: string[][] = [];
    const heavy: EventHandler = {
      batch: true,
      batchSize: 2,
      inbox: true,
      async invoke(payload, context: ServiceBusContext) {
        const [{ txid }] = (await context.tx.execute(sql`select txid_current()::text as txid`)).rows as Array<{ txid: string }>;
        transactions.push([txid, ...(payload as Array<{ messageId: string }>).map((event) => event.messageId)]);
      },
    };
    const messages = ['chunk-1', 'chunk-2', 'chunk-3', 'chunk-4', 'chunk-5'].map((id) => delivered(id, recordStored()));
    const outcomes = await processor(heavy).processBatch(messages);
    expect(outcomes).toEqual(messages.map(() => ({ kind: 'complete', duplicate: false })));
    expect(transactions.map(([, ...ids]) => ids)).toEqual([['chunk-1', 'chunk-2'], ['chunk-3', 'chunk-4'], ['chunk-5']]);
    expect(new Set(transactions.map(([txid]) => txid)).size).toBe(3);
  });

  it.each([true, false])('hands a batch handler one copy of a message delivered twice in the same batch (inbox: %s)', async (inbox) => {
    const seen: string[] = [];
    const counting: EventHandler = {
      batch: true,
      batchSize: 10,
      inbox,
      async invoke(payload) {
        seen.push(...(payload as Array<{ messageId: string }>).map((event) => event.messageId));
      },
    };
    const twice = delivered(`twice-${inbox}`, recordStored());
    const messages = [twice, delivered(`once-${inbox}`, recordStored()), { ...twice, deliveryCount: 1 } as ServiceBusReceivedMessage];
    const outcomes = await processor(counting).processBatch(messages);
    expect(seen).toEqual([`twice-${inbox}`, `once-${inbox}`]);
    expect(outcomes).toEqual(messages.map(() => ({ kind: 'complete', duplicate: false })));
  });

  it('cuts a received batch into units the consumer can run in parallel: per batch handler, in arrival order, at most its batchSize', () => {
    const heavy: EventHandler = { batch: true, batchSize: 2, inbox: false, invoke: async () => undefined };
    const light: EventHandler = { batch: true, batchSize: 200, inbox: false, invoke: async () => undefined };
    const message = (messageId: string, subject: string) => ({ messageId, subject }) as unknown as ServiceBusReceivedMessage;
    const units = new MessageProcessor({
      subscription: 'mapping-events/core-store',
      subjects: ['mapping.batch.v1', 'mapping.result.v1'],
      handlerFor: (type) => ({ 'mapping.batch.v1': heavy, 'mapping.result.v1': light })[type],
      database: bed.app,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10, transientHoldMs: 0 },
      logger: silentLogger,
    }).unitsOf([
      message('b1', 'mapping.batch.v1'),
      message('r1', 'mapping.result.v1'),
      message('b2', 'mapping.batch.v1'),
      message('x1', 'no.such.v1'),
      message('b3', 'mapping.batch.v1'),
      message('r2', 'mapping.result.v1'),
    ]);
    expect(units.map((unit) => unit.map((m) => m.messageId))).toEqual([['b1', 'b2'], ['b3'], ['r1', 'r2'], ['x1']]);
  });

  it('dead-letters a subject it has no handler for, naming the subscription', async () => {
    expect(await processor(null).processOne(delivered('nohandler-1', recordStored()))).toEqual({
      kind: 'deadLetter',
      reason: 'NoHandler',
      description: 'no handler for record.stored.v1 on core-events/analytics-ingest',
    });
  });
});
