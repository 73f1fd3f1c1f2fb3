import type { ServiceBusClient, ServiceBusMessageBatch, ServiceBusSender } from '@azure/service-bus';
import { ServiceBusClient as Client } from '@azure/service-bus';
import { createLogger } from '@comply/observability';
import { until } from '@comply/testing';
import { sql } from 'drizzle-orm';
import { Registry } from 'prom-client';
import { createMessagingTestBed, MessagingTestBed, recordStored, silentLogger, TEST_RETRY } from '../testing/messaging-test-bed';
import { addAllToOutbox, addToOutbox } from './outbox';
import { OUTBOX_CHANNEL } from '../messaging-tables';
import { OutboxRelay } from './outbox-relay';

/** A client whose senders have `method` replaced by what `replace` makes of the original. */
function clientWithSenderMethod<K extends 'sendMessages' | 'createMessageBatch'>(
  client: ServiceBusClient,
  method: K,
  replace: (sender: ServiceBusSender) => ServiceBusSender[K],
): ServiceBusClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'createSender') return Reflect.get(target, property, receiver);
      return (topic: string) => {
        const sender = target.createSender(topic);
        const replacement = replace(sender);
        return new Proxy(sender, {
          get: (senderTarget, senderProperty, senderReceiver) => (senderProperty === method ? replacement : Reflect.get(senderTarget, senderProperty, senderReceiver)),
        });
      };
    },
  });
}

/** A client whose senders run `afterSend` once a batch has reached the broker. */
function clientWithSendHook(client: ServiceBusClient, afterSend: (batch: ServiceBusMessageBatch) => void | Promise<void>): ServiceBusClient {
  return clientWithSenderMethod(client, 'sendMessages', (sender) => (async (batch: ServiceBusMessageBatch) => {
    await sender.sendMessages(batch);
    await afterSend(batch);
  }) as ServiceBusSender['sendMessages']);
}

/** What the emulator's topics advertise as their maximum message size (Azure Standard tier's). */
const TOPIC_MAX_MESSAGE_BYTES = 262_144;

/** A record.stored.v1 payload of more than 300 kB, which no topic accepts; its filler is easy to spot in logs. */
function tooLargeRecord() {
  return recordStored({ requestId: 'too-large-'.repeat(30_000) });
}

/**
 * A client whose batches take messages up to 1 MB, more than the topics advertise: the SDK lets a
 * too-large message into a batch, and the broker itself answers MessageSizeExceeded. Brokers
 * whose real limit is below the advertised one behave like this.
 */
function clientWithLargerBatches(client: ServiceBusClient): ServiceBusClient {
  return clientWithSenderMethod(client, 'createMessageBatch', (sender) => async () => Object.assign(await sender.createMessageBatch(), { _maxSizeInBytes: 1_048_576 }));
}

/** A logger that keeps what it writes, parsed, at warn and above. */
function recordingLogger() {
  const lines: string[] = [];
  const logger = createLogger({ service: 'analytics-ingest', level: 'warn', destination: { write: (line: string) => lines.push(line) } });
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('outbox and relay', () => {
  let bed: MessagingTestBed;

  beforeAll(async () => {
    bed = await createMessagingTestBed();
  });

  afterAll(() => bed.close());

  beforeEach(async () => {
    await bed.admin('delete from messaging_outbox');
    await bed.drain('core-events', 'analytics-ingest', { quietMs: 200 });
  });

  function relay(options: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}): OutboxRelay {
    return new OutboxRelay({ pool: bed.app.pool, client: bed.client, logger: silentLogger, baseBackoffMs: 10, ...options });
  }

  it('sends nothing when the transaction that wrote the event rolls back', async () => {
    await expect(
      bed.app.db.transaction(async (tx) => {
        await addToOutbox(tx, { type: 'record.stored.v1', payload: recordStored() });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    expect(await relay().relayOnce()).toEqual({ sent: 0, failed: 0, deadLettered: 0 });
    expect(await bed.drain('core-events', 'analytics-ingest')).toEqual([]);
  });

  it('sends a committed event once, as the message DESIGN.md describes, and marks it sent', async () => {
    const payload = recordStored();
    const id = await bed.app.db.transaction((tx) =>
      addToOutbox(tx, {
        type: 'record.stored.v1',
        payload,
        tenantId: 'tenant-a',
        correlationId: 'flow-42',
        causationId: 'msg-1',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      }),
    );
    expect(await relay().relayOnce()).toEqual({ sent: 1, failed: 0, deadLettered: 0 });
    expect(await relay().relayOnce()).toEqual({ sent: 0, failed: 0, deadLettered: 0 });

    const [message, ...others] = await bed.drain('core-events', 'analytics-ingest');
    expect(others).toEqual([]);
    expect(message).toMatchObject({
      messageId: id,
      subject: 'record.stored.v1',
      correlationId: 'flow-42',
      contentType: 'application/json',
      body: payload,
      applicationProperties: { tenantId: 'tenant-a', causationId: 'msg-1' },
    });
    expect(String(message.applicationProperties?.traceparent)).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    const [row] = await bed.admin<{ sent_at: Date | null }>('select sent_at from messaging_outbox where id = $1', [id]);
    expect(row.sent_at).toBeInstanceOf(Date);
  });

  it('delivers exactly once when the relay dies between sending and marking sent', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(await bed.app.db.transaction((tx) => addToOutbox(tx, { type: 'record.stored.v1', payload: recordStored() })));
    }
    // The broker has the batch; then the relay's database session dies before it marks the rows.
    const dying = relay({
      client: clientWithSendHook(bed.client, async () => {
        await bed.admin(
          `select pg_terminate_backend(pid) from pg_stat_activity
            where application_name = 'messaging-spec' and state = 'idle in transaction'`,
        );
      }),
    });
    await expect(dying.relayOnce()).rejects.toThrow(/terminat|connection/);
    const pending = await bed.admin<{ count: string }>('select count(*) from messaging_outbox where sent_at is null');
    expect(pending[0].count).toBe('5');

    expect(await relay().relayOnce()).toEqual({ sent: 5, failed: 0, deadLettered: 0 });
    const received = await bed.drain('core-events', 'analytics-ingest');
    expect(received.map((m) => m.messageId).sort()).toEqual([...ids].sort());
  });

  it('keeps rows pending with their error and a delay when the broker cannot be reached', async () => {
    const unreachable = new Client('Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=x;SharedAccessKey=x;UseDevelopmentEmulator=true', {
      retryOptions: { ...TEST_RETRY, maxRetries: 0, timeoutInMs: 2_000 },
    });
    const registry = new Registry();
    const id = await bed.app.db.transaction((tx) => addToOutbox(tx, { type: 'record.stored.v1', payload: recordStored() }));
    try {
      expect(await relay({ client: unreachable, registry, baseBackoffMs: 60_000 }).relayOnce()).toEqual({ sent: 0, failed: 1, deadLettered: 0 });
    } finally {
      await unreachable.close();
    }
    const [row] = await bed.admin<{ attempts: number; last_error: string; delayed: boolean; sent_at: Date | null }>(
      'select attempts, last_error, available_at > now() as delayed, sent_at from messaging_outbox where id = $1',
      [id],
    );
    expect(row).toMatchObject({ attempts: 1, delayed: true, sent_at: null });
    expect(row.last_error).not.toBe('');
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/^outbox_send_failures_total 1$/m);
    expect(metrics).toMatch(/^outbox_pending 1$/m);
  });

  it('dead-letters a row too large for any message in the outbox, sends the rest of the round, and retries other failures', async () => {
    const registry = new Registry();
    const log = recordingLogger();
    const tooLarge = tooLargeRecord();
    const [normalId, tooLargeId, unroutableId] = await bed.app.db.transaction((tx) =>
      addAllToOutbox(tx, [
        { type: 'record.stored.v1', payload: recordStored() },
        { type: 'record.stored.v1', payload: tooLarge },
        { type: 'record.stored.v1', payload: recordStored() },
      ]),
    );
    // A topic the namespace does not have: its sender cannot attach, a failure that may pass.
    await bed.admin(`update messaging_outbox set topic = 'retired-events' where id = $1`, [unroutableId]);

    expect(await relay({ registry, logger: log.logger, baseBackoffMs: 60_000 }).relayOnce()).toEqual({ sent: 1, failed: 1, deadLettered: 1 });

    const rows = await bed.admin<{
      id: string;
      sent: boolean;
      dead_lettered_at: Date | null;
      dead_letter_reason: string | null;
      attempts: number;
      delayed: boolean;
      last_error: string | null;
    }>(
      `select id, sent_at is not null as sent, dead_lettered_at, dead_letter_reason, attempts, available_at > now() as delayed, last_error
         from messaging_outbox`,
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(normalId)).toMatchObject({ sent: true, dead_lettered_at: null });
    expect(byId.get(tooLargeId)).toMatchObject({
      sent: false,
      dead_letter_reason: `MessageSizeExceeded: ${Buffer.byteLength(JSON.stringify(tooLarge))}-byte body does not fit a message of at most ${TOPIC_MAX_MESSAGE_BYTES} bytes`,
    });
    expect(byId.get(tooLargeId)?.dead_lettered_at).toBeInstanceOf(Date);
    expect(byId.get(unroutableId)).toMatchObject({ sent: false, dead_lettered_at: null, attempts: 1, delayed: true });
    expect(byId.get(unroutableId)?.last_error).toMatch(/retired-events.*could not be found/);
    expect((await bed.drain('core-events', 'analytics-ingest')).map((m) => m.messageId)).toEqual([normalId]);

    const metrics = await registry.metrics();
    expect(metrics).toMatch(/^outbox_dead_lettered_total 1$/m);
    expect(metrics).toMatch(/^outbox_sent_total 1$/m);
    expect(metrics).toMatch(/^outbox_send_failures_total 1$/m);
    expect(metrics).toMatch(/^outbox_pending 1$/m);

    const deadLetterLines = log.records().filter((record) => record.outboxId !== undefined);
    expect(deadLetterLines).toEqual([
      expect.objectContaining({
        level: 'warn',
        outboxId: tooLargeId,
        subject: 'record.stored.v1',
        bodyBytes: Buffer.byteLength(JSON.stringify(tooLarge)),
        reason: byId.get(tooLargeId)?.dead_letter_reason,
      }),
    ]);
    expect(log.lines.join('')).not.toContain('too-large-too-large-');

    // The dead letter is not pending: later rounds leave it alone, and pruning keeps it as evidence.
    await bed.admin(`update messaging_outbox set available_at = now(), topic = 'core-events' where id = $1`, [unroutableId]);
    expect(await relay().relayOnce()).toEqual({ sent: 1, failed: 0, deadLettered: 0 });
    expect(await relay().relayOnce()).toEqual({ sent: 0, failed: 0, deadLettered: 0 });
    expect(await relay({ retentionMs: 0 }).prune()).toBe(2);
    const left = await bed.admin<{ id: string }>('select id from messaging_outbox');
    expect(left).toEqual([{ id: tooLargeId }]);
  });

  it('dead-letters a row the broker itself refuses as too large, and sends its batch-mates one by one', async () => {
    const registry = new Registry();
    const [firstId, tooLargeId, lastId] = await bed.app.db.transaction((tx) =>
      addAllToOutbox(tx, [
        { type: 'record.stored.v1', payload: recordStored() },
        { type: 'record.stored.v1', payload: tooLargeRecord() },
        { type: 'record.stored.v1', payload: recordStored() },
      ]),
    );

    expect(await relay({ client: clientWithLargerBatches(bed.client), registry }).relayOnce()).toEqual({ sent: 2, failed: 0, deadLettered: 1 });

    const [row] = await bed.admin<{ dead_letter_reason: string; sent_at: Date | null }>(
      'select dead_letter_reason, sent_at from messaging_outbox where id = $1',
      [tooLargeId],
    );
    expect(row.sent_at).toBeNull();
    // The broker's own words, not the relay's batch-size check.
    expect(row.dead_letter_reason).toMatch(/^MessageSizeExceeded: /);
    expect(row.dead_letter_reason).toContain(`exceeds the limit (${TOPIC_MAX_MESSAGE_BYTES} bytes)`);
    expect(await registry.metrics()).toMatch(/^outbox_dead_lettered_total 1$/m);
    const received = await bed.drain('core-events', 'analytics-ingest');
    expect(received.map((m) => m.messageId).sort()).toEqual([firstId, lastId].sort());
  });

  it('lets two relays share the work: every row is sent by exactly one of them', async () => {
    const ids = await bed.app.db.transaction((tx) =>
      addAllToOutbox(tx, Array.from({ length: 300 }, () => ({ type: 'record.stored.v1' as const, payload: recordStored() }))),
    );
    expect(new Set(ids).size).toBe(300);
    const sentBy: number[] = [0, 0];
    const relays = [0, 1].map((n) =>
      relay({
        batchSize: 25,
        client: clientWithSendHook(bed.client, (batch) => {
          sentBy[n] += batch.count;
        }),
      }),
    );
    const rounds = async (r: OutboxRelay) => {
      while ((await r.relayOnce()).sent > 0);
    };
    await Promise.all(relays.map(rounds));
    expect(sentBy[0] + sentBy[1]).toBe(300);
    expect(sentBy[0]).toBeGreaterThan(0);
    expect(sentBy[1]).toBeGreaterThan(0);
    const received = await bed.drain('core-events', 'analytics-ingest');
    expect(received.map((m) => m.messageId).sort()).toEqual([...ids].sort());
  });

  it('wakes on commit through NOTIFY rather than waiting for its poll', async () => {
    const running = relay({ pollIntervalMs: 60_000 });
    await running.start();
    try {
      await new Promise((r) => setTimeout(r, 200));
      const id = await bed.app.db.transaction((tx) => addToOutbox(tx, { type: 'record.stored.v1', payload: recordStored() }));
      const receiver = bed.client.createReceiver('core-events', 'analytics-ingest', { receiveMode: 'receiveAndDelete' });
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      await receiver.close();
      expect(message?.messageId).toBe(id);
    } finally {
      await running.stop();
    }
  });

  it('survives losing its LISTEN connection, and discards it on stop so its death later harms nobody', async () => {
    const listeners = () =>
      bed.admin<{ pid: number }>(`select pid from pg_stat_activity where application_name = 'messaging-spec' and query = 'LISTEN ${OUTBOX_CHANNEL}'`);
    const running = relay({ pollIntervalMs: 100 });
    let second: { pid: number } = { pid: 0 };
    await running.start();
    try {
      const [first] = await until(listeners, (rows) => rows.length === 1);
      await bed.admin('select pg_terminate_backend($1)', [first.pid]);
      const id = await bed.app.db.transaction((tx) => addToOutbox(tx, { type: 'record.stored.v1', payload: recordStored() }));
      const [message] = await until(() => bed.drain('core-events', 'analytics-ingest', { quietMs: 200 }), (messages) => messages.length > 0);
      expect(message.messageId).toBe(id);
      [second] = await until(listeners, (rows) => rows.length === 1 && rows[0].pid !== first.pid);
    } finally {
      await running.stop();
    }
    const session = () => bed.admin('select pid from pg_stat_activity where pid = $1', [second.pid]);
    expect(await until(session, (rows) => rows.length === 0)).toEqual([]);
    expect(await bed.app.db.execute(sql`select 1 as alive`)).toMatchObject({ rows: [{ alive: 1 }] });
  });

  it('prunes sent rows past the retention period and keeps pending ones', async () => {
    await bed.app.db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await addToOutbox(tx, { type: 'record.stored.v1', payload: recordStored() });
    });
    await relay().relayOnce();
    await bed.app.db.transaction((tx) => addToOutbox(tx, { type: 'record.stored.v1', payload: recordStored() }));
    await bed.admin(`update messaging_outbox set sent_at = now() - interval '2 days' where sent_at is not null`);
    expect(await relay({ retentionMs: 24 * 3_600_000 }).prune()).toBe(3);
    const left = await bed.admin<{ sent: boolean }>('select sent_at is not null as sent from messaging_outbox');
    expect(left).toEqual([{ sent: false }]);
  });
});
