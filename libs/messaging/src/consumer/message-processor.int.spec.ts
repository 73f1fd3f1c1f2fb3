import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { RecordStoredV1 } from '@comply/contracts';
import { sql } from 'drizzle-orm';
import { createMessagingTestBed, MessagingTestBed, recordStored, silentLogger } from '../testing/messaging-test-bed';
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
      subscription: 'core-events/backup-worker',
      subjects: ['record.stored.v1'],
      handlerFor: () => handling ?? undefined,
      database: bed.app,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 },
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
    expect(inbox).toEqual([{ subscription: 'core-events/backup-worker', message_id: 'dup-1' }]);
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

  it('cuts a received batch into units the consumer can run in parallel: per batch handler, in arrival order, at most its batchSize', () => {
    const heavy: EventHandler = { batch: true, batchSize: 2, inbox: false, invoke: async () => undefined };
    const light: EventHandler = { batch: true, batchSize: 200, inbox: false, invoke: async () => undefined };
    const message = (messageId: string, subject: string) => ({ messageId, subject }) as unknown as ServiceBusReceivedMessage;
    const units = new MessageProcessor({
      subscription: 'mapping-events/core-store',
      subjects: ['mapping.batch.v1', 'mapping.result.v1'],
      handlerFor: (type) => ({ 'mapping.batch.v1': heavy, 'mapping.result.v1': light })[type],
      database: bed.app,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 },
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
      description: 'no handler for record.stored.v1 on core-events/backup-worker',
    });
  });
});
