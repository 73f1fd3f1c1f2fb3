import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { databaseSettings, loadConfig, messagingSettings, serviceNamed, serviceSettings } from '@comply/config';
import { createLogger } from '@comply/observability';
import { createDatabaseClient } from '@comply/persistence';
import { sql } from 'drizzle-orm';
import { createServiceBusClient } from '../connection/servicebus-client';
import { ExceptionPassthroughFilter } from '../consumer/exception-passthrough.filter';
import { IncomingEvent } from '../consumer/incoming-event';
import { ServiceBusContext } from '../consumer/servicebus-context';
import { ServiceBusTransport } from '../consumer/servicebus-transport';

/**
 * The analytics-ingest consumer as a real process, for the crash test. Configured from the
 * environment like a service (DB_*, SERVICEBUS_CONNECTION_STRING, LOG_LEVEL); logs JSON lines to
 * stdout. Run: node -r @swc-node/register libs/messaging/src/testing/consumer-process.fixture.ts
 */

/** Held inside the batch transaction, so that a kill almost always lands while a batch is uncommitted. */
const PAUSE_PER_BATCH_MS = 100;

@Controller()
class DeletionEffects {
  @EventPattern('record.deleted.v1', { batchSize: 200 })
  async deleted(@Payload() events: IncomingEvent<'record.deleted.v1'>[], @Ctx() context: ServiceBusContext) {
    const rows = events.map((event) => sql`(${event.messageId}, ${event.payload.recordId})`);
    await context.tx.execute(sql`insert into effects (message_id, record_id) values ${sql.join(rows, sql`, `)}`);
    await new Promise((resolve) => setTimeout(resolve, PAUSE_PER_BATCH_MS));
  }
}

@Module({ controllers: [DeletionEffects] })
class ConsumerProcessModule {}

async function main(): Promise<void> {
  const service = serviceNamed('analytics-ingest');
  const { LOG_LEVEL } = serviceSettings(service);
  const config = loadConfig({ LOG_LEVEL, ...databaseSettings(service), ...messagingSettings() });
  const logger = createLogger({ service: service.name, level: config.LOG_LEVEL });
  const database = createDatabaseClient(config, { applicationName: service.name });
  const client = createServiceBusClient(config);
  const transport = new ServiceBusTransport({ client, service: 'analytics-ingest', database, logger });
  const app = await NestFactory.createMicroservice(ConsumerProcessModule, { strategy: transport, logger: false });
  app.useGlobalFilters(new ExceptionPassthroughFilter());
  await app.listen();
  logger.info('consumer listening');

  process.once('SIGTERM', () => {
    void (async () => {
      await app.close();
      await client.close();
      await database.close();
      logger.info('consumer stopped');
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
