import { join, resolve } from 'node:path';
import { SERVICES, serviceNamed } from '@comply/config';
import { workspaceRoot } from '@comply/local-infra';
import { runMigrations } from '@comply/persistence';
import { BlobStorageForStack, provideBlobStorage } from './blob-storage-infrastructure';
import { LocalAdminToken, localAdminToken, localStripeWebhookSecret, LocalWebhookSecret } from './local-secrets';
import { providePostgres, PostgresForStack } from './postgres-infrastructure';
import { ServiceProcess, spawnService, waitUntilReady } from './service-process';
import { provideServiceBus, ServiceBusForStack } from './servicebus-infrastructure';

export interface DevStackOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  serviceBusConnectionString: string | undefined;
  serviceBusEmulatorPort: number;
  blobConnectionString: string | undefined;
  blobAccountUrl: string | undefined;
  azuriteBlobPort: number;
  servicePortBase: number;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  readyTimeoutMs?: number;
}

export interface RunningStack {
  postgres: PostgresForStack;
  serviceBus: ServiceBusForStack;
  blobStorage: BlobStorageForStack;
  services: ServiceProcess[];
  /** Bearer token of core-store's admin API. */
  adminToken: LocalAdminToken;
  /** billing's Stripe webhook signing secret (`npm run stripe:send` signs with it). */
  stripeWebhookSecret: LocalWebhookSecret;
  /** Stops the services (gracefully), then what the stack started. Idempotent. */
  stop(): Promise<void>;
}

/** Variables a service must not inherit: the admin credentials stay with the launcher. */
const WITHHELD_FROM_SERVICES = ['DATABASE_URL'];

/** One service's environment: the launcher's, minus what is withheld, plus its database and the stack's infrastructure. */
export function serviceEnv(
  base: NodeJS.ProcessEnv,
  adminUrl: string,
  database: string,
  serviceName: string,
  serviceBusConnectionString: string,
  blobEnv: Record<string, string>,
): NodeJS.ProcessEnv {
  const server = new URL(adminUrl);
  const env: NodeJS.ProcessEnv = { ...base };
  for (const name of WITHHELD_FROM_SERVICES) delete env[name];
  const passwordVariable = `${serviceName.toUpperCase().replace(/-/g, '_')}_DB_PASSWORD`;
  return {
    ...env,
    DB_HOST: server.hostname,
    DB_PORT: server.port || '5432',
    DB_NAME: database,
    DB_USER: `${database}_app`,
    ...(base[passwordVariable] ? { DB_PASSWORD: base[passwordVariable] } : {}),
    SERVICEBUS_CONNECTION_STRING: serviceBusConnectionString,
    ...blobEnv,
  };
}

/**
 * What one service needs from the launcher alone: billing verifies Stripe's signatures with the
 * local webhook secret; backup-worker's restore drills create and drop scratch databases, which
 * takes the server's admin role (in Azure a dedicated role, see its README).
 */
function ownSettings(
  service: string,
  launcher: { env: NodeJS.ProcessEnv; stripeWebhookSecret: LocalWebhookSecret; adminUrl: string },
): Record<string, string> {
  if (service === 'billing') return { STRIPE_WEBHOOK_SECRETS: launcher.stripeWebhookSecret.secrets };
  if (service === 'backup-worker') return { BACKUP_RESTORE_ADMIN_URL: launcher.env.BACKUP_RESTORE_ADMIN_URL || launcher.adminUrl };
  return {};
}

/**
 * What `npm start` does: infrastructure (PostgreSQL, Service Bus, blob storage), migrations of all
 * five databases, then the five services, returning once all are ready.
 * On any failure it stops whatever it had started before rethrowing.
 */
export async function startDevStack(options: DevStackOptions): Promise<RunningStack> {
  const root = workspaceRoot(__dirname);
  const dataDir = resolve(root, options.dataDir);
  const started: Array<() => Promise<void>> = [];
  const services: ServiceProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all(services.map((s) => s.stop()));
      for (const stopOne of started.reverse()) await stopOne();
    })());

  try {
    const postgres = await providePostgres({
      databaseUrl: options.databaseUrl,
      dataDir,
      embeddedPort: options.embeddedPgPort,
    });
    started.push(() => postgres.stop());
    options.log(`PostgreSQL: ${postgres.description}`);

    const serviceBus = await provideServiceBus({
      connectionString: options.serviceBusConnectionString,
      emulatorPort: options.serviceBusEmulatorPort,
      dataDir,
    });
    started.push(() => serviceBus.stop());
    options.log(`Service Bus: ${serviceBus.description}`);

    const blobStorage = await provideBlobStorage({
      connectionString: options.blobConnectionString,
      accountUrl: options.blobAccountUrl,
      dataDir,
      azuritePort: options.azuriteBlobPort,
    });
    started.push(() => blobStorage.stop());
    options.log(`Blob storage: ${blobStorage.description}`);

    for (const service of SERVICES) {
      const result = await runMigrations({
        adminUrl: postgres.adminUrl,
        database: service.database,
        migrationsDir: join(root, 'migrations'),
        withReader: service.hasReadOnlyRole,
      });
      options.log(`migrated ${service.database}: ${result.applied.length ? result.applied.join(', ') : 'up to date'}`);
    }

    const adminToken = localAdminToken(options.env, dataDir);
    const stripeWebhookSecret = localStripeWebhookSecret(options.env, dataDir);
    // Local defaults under the data dir, unless the environment says otherwise.
    const localEnv = { LOCAL_KEK_FILE: join(dataDir, 'keys', 'kek.json'), ...options.env, ADMIN_TOKEN: adminToken.token };
    SERVICES.forEach((service, index) => {
      const ownEnv = { ...localEnv, ...ownSettings(service.name, { env: options.env, stripeWebhookSecret, adminUrl: postgres.adminUrl }) };
      services.push(
        spawnService({
          service: serviceNamed(service.name),
          root,
          port: options.servicePortBase + index,
          env: serviceEnv(ownEnv, postgres.adminUrl, service.database, service.name, serviceBus.connectionString, blobStorage.serviceEnv),
          logDir: join(dataDir, 'logs'),
        }),
      );
    });
    await Promise.all(services.map((s) => waitUntilReady(s, options.readyTimeoutMs ?? 60_000)));
    return { postgres, serviceBus, blobStorage, services, adminToken, stripeWebhookSecret, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
