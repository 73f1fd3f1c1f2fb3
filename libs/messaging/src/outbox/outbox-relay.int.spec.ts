import type { ServiceBusClient, ServiceBusMessageBatch, ServiceBusSender } from '@azure/service-bus';
import { ServiceBusClient as Client } from '@azure/service-bus';
import { Registry } from 'prom-client';
import { createMessagingTestBed, MessagingTestBed, recordStored, silentLogger, TEST_RETRY } from '../testing/messaging-test-bed';
import { addAllToOutbox, addToOutbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

/** A client whose senders run `afterSend` once a batch has reached the broker. */
function clientWithSendHook(
  client: ServiceBusClient,
  afterSend: (batch: ServiceBusMessageBatch) => void | Promise<void>,
): ServiceBusClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'createSender') return Reflect.get(target, property, receiver);
      return (topic: string) => {
        const sender = target.createSender(topic);
        return new Proxy(sender, {
          get(senderTarget, senderProperty, senderReceiver) {
            if (senderProperty !== 'sendMessages') return Reflect.get(senderTarget, senderProperty, senderReceiver);
            return async (batch: ServiceBusMessageBatch) => {
              await senderTarget.sendMessages(batch);
              await afterSend(batch);
            };
          },
        }) as ServiceBusSender;
      };
    },
  });
}

describe('outbox and relay', () => {
  let bed: MessagingTestBed;

  beforeAll(async () => {
    bed = await createMessagingTestBed();
  });

  afterAll(() => bed.close());

  beforeEach(async () => {
    await bed.admin('delete from messaging_outbox');
    await bed.drain('core-events', 'backup-worker', { quietMs: 200 });
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
    expect(await relay().relayOnce()).toEqual({ sent: 0, failed: 0 });
    expect(await bed.drain('core-events', 'backup-worker')).toEqual([]);
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
    expect(await relay().relayOnce()).toEqual({ sent: 1, failed: 0 });
    expect(await relay().relayOnce()).toEqual({ sent: 0, failed: 0 });

    const [message, ...others] = await bed.drain('core-events', 'backup-worker');
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

    expect(await relay().relayOnce()).toEqual({ sent: 5, failed: 0 });
    const received = await bed.drain('core-events', 'backup-worker');
    expect(received.map((m) => m.messageId).sort()).toEqual([...ids].sort());
  });

  it('keeps rows pending with their error and a delay when the broker cannot be reached', async () => {
    const unreachable = new Client('Endpoint=sb://127.0.0.1:1;SharedAccessKeyName=x;SharedAccessKey=x;UseDevelopmentEmulator=true', {
      retryOptions: { ...TEST_RETRY, maxRetries: 0, timeoutInMs: 2_000 },
    });
    const registry = new Registry();
    const id = await bed.app.db.transaction((tx) => addToOutbox(tx, { type: 'record.stored.v1', payload: recordStored() }));
    try {
      expect(await relay({ client: unreachable, registry, baseBackoffMs: 60_000 }).relayOnce()).toEqual({ sent: 0, failed: 1 });
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
    const received = await bed.drain('core-events', 'backup-worker');
    expect(received.map((m) => m.messageId).sort()).toEqual([...ids].sort());
  });

  it('wakes on commit through NOTIFY rather than waiting for its poll', async () => {
    const running = relay({ pollIntervalMs: 60_000 });
    await running.start();
    try {
      await new Promise((r) => setTimeout(r, 200));
      const id = await bed.app.db.transaction((tx) => addToOutbox(tx, { type: 'record.stored.v1', payload: recordStored() }));
      const receiver = bed.client.createReceiver('core-events', 'backup-worker', { receiveMode: 'receiveAndDelete' });
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      await receiver.close();
      expect(message?.messageId).toBe(id);
    } finally {
      await running.stop();
    }
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
