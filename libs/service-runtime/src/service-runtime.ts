import { loadConfig, serviceNamed, ServiceDescriptor, SettingsSpec } from '@comply/config';
import { createLogger, createServiceMetrics, HealthRegistry, Logger, ServiceMetrics } from '@comply/observability';
import type { PlatformService } from '@comply/contracts';
import { MessagingRuntime } from '@comply/messaging';
import { createDatabaseClient, DatabaseClient, describeError, serializeError } from '@comply/persistence';
import { resolve } from 'node:path';
import type { DestinationStream } from 'pino';
import { databaseReadiness } from './health/database-readiness';
import { requestLogFields } from './http/request-log-fields';
import { CommonServiceConfig, ServiceConfig, serviceConfigSpec } from './service-config';

/** The process-wide parts of one service, built from validated configuration before Nest starts. */
export interface ServiceRuntime<E extends SettingsSpec = SettingsSpec> {
  service: ServiceDescriptor;
  config: ServiceConfig<E>;
  logger: Logger;
  metrics: ServiceMetrics;
  health: HealthRegistry;
  database: DatabaseClient<Record<string, unknown>>;
  /** Absent when started with `messaging: false` (HTTP-only tests). */
  messaging?: MessagingRuntime;
}

export interface RuntimeOptions<E extends SettingsSpec> {
  service: string;
  /** Settings of this service beyond the common ones. */
  settings?: E;
  /** drizzle schema of the service's database. */
  schema?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  /** Consume the service's subscriptions and relay its outbox (default true). */
  messaging?: boolean;
  /** Largest request body in bytes (Fastify answers 413 above it); default 1 MiB. */
  bodyLimit?: (config: ServiceConfig<E>) => number;
  /** Where log lines go; stdout unless a test reads them. */
  logDestination?: DestinationStream;
}

/**
 * Throws ConfigError before anything is opened, naming each bad variable: malformed, inconsistent
 * with the others (a pool too small for the consumers), or with NODE_ENV=production, a local
 * stand-in that production cannot use.
 */
export function createServiceRuntime<E extends SettingsSpec>(options: RuntimeOptions<E>): ServiceRuntime<E> {
  const service = serviceNamed(options.service);
  const config = loadConfig(serviceConfigSpec(service, options.settings ?? ({} as E)), options.env) as ServiceConfig<E>;
  const common: CommonServiceConfig = config;
  const logger = createLogger({
    service: service.name,
    level: common.LOG_LEVEL,
    destination: options.logDestination,
    serializers: { err: serializeError, req: requestLogFields },
  });
  const metrics = createServiceMetrics(service.name);
  const health = new HealthRegistry();
  const database = createDatabaseClient(common, {
    applicationName: service.name,
    schema: options.schema,
    onPoolError: (error) => logger.warn({ error: describeError(error) }, 'database: an idle pooled connection failed; the pool replaces it'),
  });
  health.register('database', databaseReadiness(database, resolve(common.MIGRATIONS_DIR), service.database));
  const messaging =
    options.messaging === false
      ? undefined
      : new MessagingRuntime({
          service: service.name as PlatformService,
          settings: common,
          database,
          logger,
          registry: metrics.registry,
        });
  if (messaging) health.register('servicebus', () => messaging.transport.checkBrokerLinks());
  return { service, config, logger, metrics, health, database, messaging };
}
