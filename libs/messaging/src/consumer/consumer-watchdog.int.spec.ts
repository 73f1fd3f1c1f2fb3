import { ServiceBusClient } from '@azure/service-bus';
import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startTcpFaultProxy, until, type TcpFaultProxy } from '@comply/testing';
import { Registry } from 'prom-client';
import { createMessagingTestBed, MessagingTestBed, recordStored, silentLogger, TEST_RETRY } from '../testing/messaging-test-bed';
import { StoringModule } from '../testing/storing-consumer';
import { ServiceBusTransport } from './servicebus-transport';

/** The message sent while the connection is silent goes out on the old link and stays locked this long; the watchdog waits longer. */
const LOCK_DURATION_MS = 3_000;
const STALL_MS = 5_000;

describe('the consumer watchdog', () => {
  let bed: MessagingTestBed;
  let proxy: TcpFaultProxy;
  let stalling: ServiceBusClient;
  let consumer: INestMicroservice;
  const registry = new Registry();

  beforeAll(async () => {
    bed = await createMessagingTestBed({ lockDurationMs: LOCK_DURATION_MS });
    proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: bed.bus.port });
    stalling = new ServiceBusClient(bed.bus.connectionString.replace(`:${bed.bus.port}`, `:${proxy.port}`), { retryOptions: TEST_RETRY });
    const transport = new ServiceBusTransport({
      client: stalling,
      probeClient: bed.client,
      service: 'analytics-ingest',
      database: bed.app,
      logger: silentLogger,
      registry,
      stallMs: STALL_MS,
      newClient: () => new ServiceBusClient(bed.bus.connectionString, { retryOptions: TEST_RETRY }),
    });
    consumer = await NestFactory.createMicroservice(StoringModule, { strategy: transport, logger: false });
    await consumer.listen();
  });

  afterAll(async () => {
    // Closing the proxy first ends the silenced connections, which the old consumers' close waits on.
    await proxy?.close();
    await consumer?.close();
    await stalling?.close().catch(() => undefined);
    await bed?.close();
  });

  const send = async (messageId: string) => {
    const payload = recordStored();
    const sender = bed.client.createSender('core-events');
    await sender.sendMessages({ messageId, subject: 'record.stored.v1', body: payload, applicationProperties: { tenantId: payload.tenantId } });
    await sender.close();
    return payload.recordId;
  };
  const effects = () => bed.admin<{ message_id: string }>('select message_id from effects order by at');
  const restarts = async () => Number(/^messaging_consumer_restarts_total (\d+)$/m.exec(await registry.metrics())?.[1] ?? 0);

  it('starts the consumers again on a new client when theirs goes silent with a message waiting, and the message is handled', async () => {
    await send('before-silence');
    await until(effects, (rows) => rows.length === 1, { timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, STALL_MS + 1_000));
    expect(await restarts()).toBe(0);

    expect(proxy.silence()).toBeGreaterThan(0);
    await send('while-silent');
    expect(await until(restarts, (n) => n > 0, { timeoutMs: 30_000 })).toBe(1);
    expect(await effects()).toHaveLength(1);
    // The broker still counts the silent connection's link as attached and keeps handing it the
    // message; once that connection is gone (as a dead one goes), the new client gets it.
    proxy.resetConnections();
    const rows = await until(effects, (found) => found.length === 2, { timeoutMs: 30_000 });

    expect(rows.map((row) => row.message_id)).toEqual(['before-silence', 'while-silent']);
  }, 60_000);
});
