import { inProduction, NODE_ENVIRONMENTS } from './production-mode';
import { ServiceDescriptor } from './service-catalog';
import { optional, setting } from './setting';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** HTTP, API key authentication, logging and lifecycle settings every service reads. */
export function serviceSettings(service: ServiceDescriptor) {
  return {
    NODE_ENV: setting.oneOf(NODE_ENVIRONMENTS, {
      default: 'development',
      doc: '`production`: the service refuses to start on a local stand-in that would lose or expose data there (the Production column says what it needs instead). `development` and `test` accept every local default.',
    }),
    HOST: setting.string({ default: '127.0.0.1', doc: 'Interface the HTTP server binds (0.0.0.0 in containers).' }),
    PORT: setting.port({ default: service.port, doc: 'HTTP port.' }),
    LOG_LEVEL: setting.oneOf(LOG_LEVELS, { default: 'info', doc: 'pino log level.' }),
    SHUTDOWN_TIMEOUT_MS: setting.int({
      default: 10_000,
      min: 100,
      doc: 'How long SIGTERM/SIGINT waits for in-flight work before the process exits anyway.',
    }),
    MIGRATIONS_DIR: setting.string({
      default: 'migrations',
      doc: 'Folder holding `<database>/*.sql`; readiness compares it with what the database has applied.',
    }),
    ADMIN_TOKEN: optional(
      setting.string({
        secret: true,
        pattern: /^\S{32,}$/,
        doc: "Bearer token of the service's operator API (`/admin/...`), at least 32 characters. Unset: the operator API refuses every call.",
      }),
    ),
    API_KEY_CACHE_TTL_MS: setting.int({
      default: 30_000,
      min: 0,
      max: 300_000,
      doc: 'How long a verified API key is remembered in memory; a key revoked on another replica still works there for at most this long.',
    }),
    AUTH_FAILURE_AUDIT_INTERVAL_MS: setting.int({
      default: 60_000,
      min: 100,
      max: 3_600_000,
      doc: 'How often refused API keys and admin tokens, counted in memory, are written to the audit trail: one event per reason, tenant and key per interval (and at shutdown).',
    }),
  };
}

/**
 * How a service reaches its own database, always as its least-privileged application role. The
 * pool size is the service runtime's to declare: it knows what shares the pool.
 */
export function databaseSettings(service: ServiceDescriptor) {
  return {
    DB_HOST: setting.string({ default: '127.0.0.1', doc: 'PostgreSQL host.' }),
    DB_PORT: setting.port({ default: 5432, doc: 'PostgreSQL port.' }),
    DB_NAME: setting.string({ default: service.database, doc: 'The database this service owns.' }),
    DB_USER: setting.string({ default: `${service.database}_app`, doc: 'Application role (no BYPASSRLS, owns nothing).' }),
    DB_PASSWORD: optional(setting.string({ secret: true, doc: 'Password for DB_USER when DB_AUTH=password; unset for trust auth.' })),
    DB_AUTH: setting.oneOf(['password', 'entra'] as const, {
      default: 'password',
      doc: '`entra`: passwordless Azure Database for PostgreSQL, token from DefaultAzureCredential.',
    }),
    DB_SSL: setting.oneOf(['auto', 'require', 'disable'] as const, {
      default: 'auto',
      doc: '`auto` requires TLS unless DB_HOST is local.',
    }),
    DB_STATEMENT_TIMEOUT_MS: setting.int({ default: 15_000, min: 0, doc: 'Per-statement timeout (0 = none).' }),
  };
}

export type ServiceSettings = ReturnType<typeof serviceSettings>;
export type DatabaseSettings = ReturnType<typeof databaseSettings>;

/** Local default: the emulator `npm start` runs. Holds no secret; production strings do. */
export const EMULATOR_CONNECTION_STRING =
  'Endpoint=sb://127.0.0.1:5673;SharedAccessKeyName=dev;SharedAccessKey=dev;UseDevelopmentEmulator=true';

/** Whether a connection string addresses an emulator (`UseDevelopmentEmulator=true`) rather than a namespace. */
export function isEmulatorConnectionString(connectionString: string): boolean {
  return connectionString
    .split(';')
    .some((part) => /^\s*UseDevelopmentEmulator\s*=\s*true\s*$/i.test(part));
}

/** How a service reaches Service Bus, consumes its subscriptions and relays its outbox. */
export function messagingSettings() {
  return {
    SERVICEBUS_CONNECTION_STRING: inProduction(
      setting.string({
        default: EMULATOR_CONNECTION_STRING,
        secret: true,
        doc: 'Service Bus connection string (SAS). Ignored when SERVICEBUS_NAMESPACE is set.',
      }),
      {
        doc: 'a namespace\'s, not the emulator\'s (`UseDevelopmentEmulator=true`, like the default), unless `SERVICEBUS_NAMESPACE` is set',
        problem: (connectionString, config) =>
          config.SERVICEBUS_NAMESPACE === undefined && isEmulatorConnectionString(connectionString)
            ? 'addresses the local Service Bus emulator (UseDevelopmentEmulator=true), not a Service Bus namespace; in production set SERVICEBUS_NAMESPACE or a namespace\'s connection string'
            : undefined,
      },
    ),
    SERVICEBUS_NAMESPACE: optional(
      setting.string({
        doc: 'Fully qualified namespace (`<name>.servicebus.windows.net`): connect with Entra ID (DefaultAzureCredential) instead of a connection string.',
      }),
    ),
    CONSUMER_CONCURRENCY: setting.int({
      default: 4,
      min: 1,
      max: 500,
      doc: 'Messages handled at once per subscription (batches in flight for a batch handler), each holding a database connection while it runs (see DB_POOL_MAX).',
    }),
    CONSUMER_MAX_ATTEMPTS: setting.int({
      default: 5,
      min: 1,
      max: 9,
      doc: 'Deliveries of a failing message before it is dead-lettered with its last error (below the entities\' maxDeliveryCount of 10).',
    }),
    CONSUMER_RETRY_BASE_MS: setting.int({ default: 1_000, min: 0, doc: 'First retry delay; doubles per attempt, with jitter.' }),
    CONSUMER_RETRY_MAX_MS: setting.int({
      default: 30_000,
      min: 0,
      max: 50_000,
      doc: 'Longest retry delay (kept below the 60 s lock duration).',
    }),
    CONSUMER_TRANSIENT_HOLD_MS: setting.int({
      default: 240_000,
      min: 0,
      max: 240_000,
      doc: 'How long a message whose handler failed transiently (database unreachable, restarting, deadlocked) is retried in place, still locked, before it is redelivered; these retries spend no attempt (kept below the 5-minute lock renewal).',
    }),
    CONSUMER_STALL_MS: setting.int({
      default: 120_000,
      min: 0,
      doc: 'Consumer watchdog (0: off): a subscription whose consumer has held and received nothing for this long while an older message waits on it is stalled, and every consumer starts again on a new Service Bus connection. Keep above the subscriptions\' lock duration (60 s).',
    }),
    OUTBOX_BATCH_SIZE: setting.int({ default: 200, min: 1, max: 5_000, doc: 'Outbox rows sent per relay round.' }),
    OUTBOX_POLL_INTERVAL_MS: setting.int({
      default: 1_000,
      min: 10,
      doc: 'Relay polling interval when no NOTIFY arrives (it wakes at once on commit otherwise).',
    }),
    OUTBOX_RETENTION_HOURS: setting.int({ default: 24, min: 1, doc: 'Sent outbox rows and inbox entries are pruned after this.' }),
  };
}

export type MessagingSettings = ReturnType<typeof messagingSettings>;
