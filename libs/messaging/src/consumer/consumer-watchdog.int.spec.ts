import { ServiceBusClient, type RetryOptions } from '@azure/service-bus';
import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startTcpFaultProxy, until, type TcpFaultProxy } from '@comply/testing';
import { Client } from 'pg';
import { Registry } from 'prom-client';
import { createMessagingTestBed, MessagingTestBed, recordStored, silentLogger, TEST_RETRY } from '../testing/messaging-test-bed';
import { StoringModule } from '../testing/storing-consumer';
import { ServiceBusTransport, type ServiceBusTransportOptions } from './servicebus-transport';

/** The message sent while the connection is silent goes out on the old link and stays locked this long; the watchdog waits longer. */
const LOCK_DURATION_MS = 3_000;
const STALL_MS = 5_000;

/** A consumer whose Service Bus connection goes through a fault proxy; the watchdog's new clients connect directly. */
interface WatchedConsumer {
  proxy: TcpFaultProxy;
  restarts(): Promise<number>;
  close(): Promise<void>;
}

describe('the consumer watchdog', () => {
  let bed: MessagingTestBed;

  beforeAll(async () => {
    bed = await createMessagingTestBed({ lockDurationMs: LOCK_DURATION_MS });
  });

  afterAll(async () => {
    await bed?.close();
  });

  async function startWatchedConsumer(options: Partial<ServiceBusTransportOptions> = {}, retryOptions: RetryOptions = TEST_RETRY): Promise<WatchedConsumer> {
    const registry = new Registry();
    const proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: bed.bus.port });
    const stalling = new ServiceBusClient(bed.bus.connectionString.replace(`:${bed.bus.port}`, `:${proxy.port}`), { retryOptions });
    const transport = new ServiceBusTransport({
      client: stalling,
      probeClient: bed.client,
      service: 'analytics-ingest',
      database: bed.app,
      logger: silentLogger,
      registry,
      stallMs: STALL_MS,
      newClient: () => new ServiceBusClient(bed.bus.connectionString, { retryOptions: TEST_RETRY }),
      ...options,
    });
    const consumer: INestMicroservice = await NestFactory.createMicroservice(StoringModule, { strategy: transport, logger: false });
    await consumer.listen();
    return {
      proxy,
      restarts: async () => Number(/^messaging_consumer_restarts_total (\d+)$/m.exec(await registry.metrics())?.[1] ?? 0),
      async close() {
        // Closing the proxy first ends the silenced connections, which the old consumers' close waits on.
        await proxy.close();
        await consumer.close();
        await stalling.close().catch(() => undefined);
      },
    };
  }

  const send = async (messageId: string) => {
    const payload = recordStored();
    const sender = bed.client.createSender('core-events');
    await sender.sendMessages({ messageId, subject: 'record.stored.v1', body: payload, applicationProperties: { tenantId: payload.tenantId } });
    await sender.close();
    return payload.recordId;
  };
  const effects = () => bed.admin<{ message_id: string }>('select message_id from effects order by at');

  it('starts the consumers again on a new client when theirs goes silent with a message waiting, and the message is handled', async () => {
    const watched = await startWatchedConsumer();
    try {
      await send('before-silence');
      await until(effects, (rows) => rows.length === 1, { timeoutMs: 20_000 });
      await new Promise((resolve) => setTimeout(resolve, STALL_MS + 1_000));
      expect(await watched.restarts()).toBe(0);

      expect(watched.proxy.silence()).toBeGreaterThan(0);
      await send('while-silent');
      expect(await until(watched.restarts, (n) => n > 0, { timeoutMs: 30_000 })).toBe(1);
      expect(await effects()).toHaveLength(1);
      // The broker still counts the silent connection's link as attached and keeps handing it the
      // message; once that connection is gone (as a dead one goes), the new client gets it.
      watched.proxy.resetConnections();
      const rows = await until(effects, (found) => found.length === 2, { timeoutMs: 30_000 });

      expect(rows.map((row) => row.message_id)).toEqual(['before-silence', 'while-silent']);
    } finally {
      await watched.close();
    }
  }, 60_000);

  it('is not kept from a stall by a settlement that is never answered, and closes the stalled client: the message is let go and redelivered, and its effect stays single', async () => {
    // Message ids differ from the first test's: the inbox remembers those.
    await bed.admin('truncate effects');
    // The SDK's own settlement timeout as in production (60 s), longer than this test waits.
    const watched = await startWatchedConsumer({ settlementTimeoutMs: 2_000 }, { ...TEST_RETRY, timeoutInMs: 60_000 });
    const holder = new Client({ connectionString: bed.database.adminUrl });
    await holder.connect();
    try {
      // The handler waits on the lock, so the connection goes silent while it runs and its settlement is never answered.
      await holder.query('begin; lock table effects in access exclusive mode');
      await send('settled-into-silence');
      const waiting = () => bed.admin<{ n: string }>("select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'insert into effects%'");
      expect(await until(waiting, ([row]) => row.n === '1', { timeoutMs: 20_000 })).toEqual([{ n: '1' }]);
      expect(watched.proxy.silence()).toBeGreaterThan(0);
      await holder.query('commit');
      await send('waiting-behind-it');

      expect(await until(watched.restarts, (n) => n > 0, { timeoutMs: 30_000 })).toBe(1);
      // Once its connection answers again, the stalled client is closed, which frees what its links held.
      watched.proxy.resume();
      expect(await until(async () => watched.proxy.openConnections(), (n) => n === 0, { timeoutMs: 30_000 })).toBe(0);
      const rows = await until(effects, (found) => found.length >= 2, { timeoutMs: 30_000 });
      // Redelivered after its lock went, the first message is a duplicate for the inbox.
      await new Promise((resolve) => setTimeout(resolve, LOCK_DURATION_MS + 2_000));

      expect(rows.map((row) => row.message_id)).toEqual(['settled-into-silence', 'waiting-behind-it']);
      expect(await effects()).toHaveLength(2);
    } finally {
      await holder.end();
      await watched.close();
    }
  }, 90_000);
});
