import type { ServiceBusClient } from '@azure/service-bus';
import type { ConfigOf, MessagingSettings } from '@comply/config';
import type { PlatformService } from '@comply/contracts';
import type { Logger } from '@comply/observability';
import type { DatabaseClient } from '@comply/persistence';
import type { Registry } from 'prom-client';
import { createServiceBusClient } from './connection/servicebus-client';
import { ServiceBusTransport } from './consumer/servicebus-transport';
import { OutboxRelay } from './outbox/outbox-relay';

export interface MessagingRuntimeOptions {
  service: PlatformService;
  settings: ConfigOf<MessagingSettings>;
  database: DatabaseClient<Record<string, unknown>>;
  logger: Logger;
  registry?: Registry;
}

/**
 * Everything one service needs to talk over Service Bus: the client, the consumer transport for
 * its subscriptions and the outbox relay. The service runtime starts it after the HTTP server and
 * stops it before the database pool closes.
 */
export class MessagingRuntime {
  /** The outbox relay's client, for sending. */
  readonly client: ServiceBusClient;
  /** The consumers' own client, which the watchdog closes when it restarts them (see ServiceBusTransportOptions.client). */
  private readonly consumerClient: ServiceBusClient;
  /** Readiness peeks go over a connection of their own (see ServiceBusTransportOptions.probeClient). */
  private readonly probeClient: ServiceBusClient;
  readonly transport: ServiceBusTransport;
  readonly relay: OutboxRelay;

  constructor(options: MessagingRuntimeOptions) {
    const { settings } = options;
    this.client = createServiceBusClient(settings);
    this.consumerClient = createServiceBusClient(settings);
    this.probeClient = createServiceBusClient(settings);
    this.transport = new ServiceBusTransport({
      client: this.consumerClient,
      probeClient: this.probeClient,
      stallMs: settings.CONSUMER_STALL_MS,
      newClient: () => createServiceBusClient(settings),
      service: options.service,
      database: options.database,
      logger: options.logger,
      registry: options.registry,
      concurrency: settings.CONSUMER_CONCURRENCY,
      retry: {
        maxAttempts: settings.CONSUMER_MAX_ATTEMPTS,
        baseDelayMs: settings.CONSUMER_RETRY_BASE_MS,
        maxDelayMs: settings.CONSUMER_RETRY_MAX_MS,
        transientHoldMs: settings.CONSUMER_TRANSIENT_HOLD_MS,
      },
    });
    this.relay = new OutboxRelay({
      pool: options.database.pool,
      client: this.client,
      logger: options.logger,
      registry: options.registry,
      batchSize: settings.OUTBOX_BATCH_SIZE,
      pollIntervalMs: settings.OUTBOX_POLL_INTERVAL_MS,
      retentionMs: settings.OUTBOX_RETENTION_HOURS * 3_600_000,
    });
  }

  /** Consumers are stopped by Nest (the transport is a microservice of the app); this stops the rest. */
  async stop(): Promise<void> {
    await this.relay.stop();
    await Promise.all([this.client.close(), this.consumerClient.close(), this.probeClient.close()]);
  }
}
