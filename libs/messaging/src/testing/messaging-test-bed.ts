import { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import { INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { RecordStoredV1 } from '@comply/contracts';
import { createLogger } from '@comply/observability';
import { createDatabaseClient, DatabaseClient } from '@comply/persistence';
import { RunningEmulator } from '@comply/servicebus-emulator';
import { ExceptionPassthroughFilter } from '../consumer/exception-passthrough.filter';
import { ServiceBusTransport, ServiceBusTransportOptions } from '../consumer/servicebus-transport';
import { createTestDatabase, drainSubscription, queryOnce, startTestServiceBus, TestDatabase } from '@comply/testing';

/** Retries short enough that a failing call cannot stall a test for long. */
export const TEST_RETRY = { maxRetries: 1, retryDelayInMs: 100, timeoutInMs: 5_000 };

/** Silent unless TEST_LOG_LEVEL asks otherwise (e.g. TEST_LOG_LEVEL=warn while debugging a suite). */
export const silentLogger = createLogger({ service: 'analytics-ingest', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/**
 * What the messaging suites run against: a private copy of the analytics database (which has
 * the outbox and inbox), a private emulator with the platform topology, and a table `effects`
 * that handlers write to so tests can count what happened.
 */
export interface MessagingTestBed {
  database: TestDatabase;
  app: DatabaseClient<Record<string, unknown>>;
  bus: RunningEmulator;
  client: ServiceBusClient;
  admin<T extends object>(text: string, values?: unknown[]): Promise<T[]>;
  /** Runs `module`'s handlers on a ServiceBusTransport for analytics-ingest, as a service does. */
  startConsumer(module: Type<unknown>, options?: Partial<ServiceBusTransportOptions>): Promise<INestMicroservice>;
  /** Drains a subscription (or its dead-letter queue) until it stays empty for `quietMs`. */
  drain(topic: string, subscription: string, options?: { deadLetter?: boolean; quietMs?: number }): Promise<ServiceBusReceivedMessage[]>;
  close(): Promise<void>;
}

/** `lockDurationMs` shortens every subscription's lock, for tests that wait for a lock to expire. */
export async function createMessagingTestBed(options: { lockDurationMs?: number } = {}): Promise<MessagingTestBed> {
  const database = await createTestDatabase('analytics');
  const bus = await startTestServiceBus(options);
  const client = new ServiceBusClient(bus.connectionString, { retryOptions: TEST_RETRY });
  const app = createDatabaseClient({ ...database.connection, DB_POOL_MAX: 20 }, { applicationName: 'messaging-spec' });
  const admin = <T extends object>(text: string, values: unknown[] = []) => queryOnce<T>(database.adminUrl, text, values);
  // Created as the owner, so the default privileges let the application role write to it.
  await admin(`set role analytics_owner;
    create table effects (message_id text, record_id text, tx bigint default txid_current(), at timestamptz default now())`);
  return {
    database,
    app,
    bus,
    client,
    admin,
    async startConsumer(module, options = {}) {
      const transport = new ServiceBusTransport({ client, service: 'analytics-ingest', database: app, logger: silentLogger, ...options });
      const consumer = await NestFactory.createMicroservice(module, { strategy: transport, logger: false });
      consumer.useGlobalFilters(new ExceptionPassthroughFilter());
      await consumer.listen();
      return consumer;
    },
    drain: (topic, subscription, options) => drainSubscription(client, topic, subscription, options),
    async close() {
      await client.close();
      await app.close();
      await bus.stop();
      await database.drop();
    },
  };
}

let sequence = 0;

/** A valid record.stored.v1 payload; each call describes a different record. */
export function recordStored(overrides: Partial<RecordStoredV1> = {}): RecordStoredV1 {
  sequence += 1;
  return {
    tenantId: 'tenant-a',
    recordId: `rec-${process.pid}-${sequence}`,
    requestId: `req-${sequence}`,
    detector: { name: 'presidio', type: 'pii', version: '2.2.355' },
    taxonomy: ['PII.Identifier.SSN'],
    confidence: 0.97,
    modelVersion: 'mapper-2026.11',
    storedAt: new Date().toISOString(),
    ...overrides,
  };
}
