import { ServiceBusClient } from '@azure/service-bus';
import { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startTcpFaultProxy, until, type TcpFaultProxy } from '@comply/testing';
import { createMessagingTestBed, MessagingTestBed, recordStored, silentLogger, TEST_RETRY } from '../testing/messaging-test-bed';
import { StoringModule } from '../testing/storing-consumer';
import { ServiceBusTransport } from './servicebus-transport';

describe('readiness peeks over a connection of their own', () => {
  let bed: MessagingTestBed;
  let proxy: TcpFaultProxy;
  let probeClient: ServiceBusClient;
  let transport: ServiceBusTransport;
  let consumer: INestMicroservice;

  beforeAll(async () => {
    bed = await createMessagingTestBed();
    proxy = await startTcpFaultProxy({ host: '127.0.0.1', port: bed.bus.port });
    probeClient = new ServiceBusClient(bed.bus.connectionString.replace(`:${bed.bus.port}`, `:${proxy.port}`), { retryOptions: TEST_RETRY });
    transport = new ServiceBusTransport({ client: bed.client, probeClient, service: 'analytics-ingest', database: bed.app, logger: silentLogger });
    consumer = await NestFactory.createMicroservice(StoringModule, { strategy: transport, logger: false });
    await consumer.listen();
  });

  afterAll(async () => {
    await consumer?.close();
    await probeClient?.close();
    await proxy?.close();
    await bed?.close();
  });

  it("peeks through the probe client, not the consumers' connection: its outage fails readiness while consuming goes on", async () => {
    await transport.checkBrokerLinks();
    expect(proxy.openConnections()).toBeGreaterThan(0);

    const outage = proxy.outage(8_000);
    await expect(transport.checkBrokerLinks()).rejects.toThrow();
    const payload = recordStored();
    const sender = bed.client.createSender('core-events');
    await sender.sendMessages({ messageId: 'probe-1', subject: 'record.stored.v1', body: payload, applicationProperties: { tenantId: payload.tenantId } });
    await sender.close();
    const effects = await until(() => bed.admin<{ record_id: string }>('select record_id from effects'), (rows) => rows.length > 0, { timeoutMs: 20_000 });
    expect(effects).toEqual([{ record_id: payload.recordId }]);
    await outage;

    await until(
      () => transport.checkBrokerLinks().then(() => true, () => false),
      (ready) => ready,
      { timeoutMs: 30_000, intervalMs: 500 },
    );
  }, 60_000);
});
