import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  azuriteConnectionString,
  AZURITE_DEFAULT_BLOB_PORT,
  databaseSettings,
  loadConfig,
  platformSettings,
  SERVICES,
  serviceNamed,
  ServiceName,
} from '@comply/config';
import { workspaceRoot } from '@comply/local-infra';
import { serviceConfigSpec } from '@comply/service-runtime';
import { LOCAL_REDIS_URL } from '@comply/testing';
import { parse } from 'yaml';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; args?: Record<string, string> };
  command?: string[];
  ports?: string[];
  environment?: Record<string, string | null>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { disable?: boolean };
}

const root = workspaceRoot(__dirname);
// Merge keys (`<<: *service`) as Docker Compose resolves them.
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const INFRASTRUCTURE = ['azurite', 'postgres', 'redis', 'servicebus-emulator', 'servicebus-sql'];
const SERVICE_NAMES = SERVICES.map((service) => service.name);
/** The port every service container listens on (Dockerfile `ENV PORT`). */
const CONTAINER_PORT = Number(/^ENV .*\bPORT=(\d+)/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1]);

/** "127.0.0.1:5673:5672" → { bind: '127.0.0.1', host: 5673, container: 5672 } */
function portMappings(service: string) {
  return (compose.services[service].ports ?? []).map((mapping) => {
    const [bind, host, container] = mapping.split(':');
    return { bind, host: Number(host), container: Number(container) };
  });
}

/** Settings documented in a service's README table (its own, beyond the common ones), with whether each is secret. */
function readmeSettings(service: ServiceName): Map<string, boolean> {
  const readme = readFileSync(join(root, 'apps', service, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|(.*)$/gm)];
  return new Map(rows.map(([, name, rest]) => [name, /\bSecret\b/.test(rest)]));
}

/** Every variable a service reads, and which are secrets: the common settings and its README's. */
function settingsOf(service: ServiceName): Map<string, boolean> {
  const common = Object.entries(serviceConfigSpec(serviceNamed(service), {})).map(([name, entry]) => [name, entry.secret === true] as const);
  return new Map([...common, ...readmeSettings(service)]);
}

/** Values that carry no credential of ours: the emulators' published development keys, URLs without a password. */
function holdsNoCredential(value: string): boolean {
  if (value === azuriteConnectionString('azurite', AZURITE_DEFAULT_BLOB_PORT)) return true;
  if (/^Endpoint=sb:\/\/[\w-]+:\d+;SharedAccessKeyName=\w+;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true$/.test(value)) return true;
  try {
    const url = new URL(value);
    return ['postgres:', 'redis:'].includes(url.protocol) && url.password === '';
  } catch {
    return false;
  }
}

const FROM_ENVIRONMENT = /^\$\{[A-Z_]+:\?[^}]+\}$/;

describe('docker-compose.yml (the platform as containers, for machines with Docker)', () => {
  it('offers PostgreSQL, Redis, Azurite and the Service Bus emulator with its SQL dependency, a migration run and the five services', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...INFRASTRUCTURE, 'migrate', ...SERVICE_NAMES].sort());
    expect(compose.services['servicebus-emulator'].image).toMatch(/^mcr\.microsoft\.com\/azure-messaging\/servicebus-emulator/);
  });

  it('builds each service from the Dockerfile with its own SERVICE, and migrate from a service image', () => {
    for (const name of [...SERVICE_NAMES, 'migrate']) {
      const { build } = compose.services[name];
      expect({ name, context: build?.context, dockerfile: build?.dockerfile ?? 'Dockerfile' }).toEqual({ name, context: '.', dockerfile: 'Dockerfile' });
      expect(existsSync(join(root, build!.context, 'Dockerfile'))).toBe(true);
    }
    for (const name of SERVICE_NAMES) expect({ name, SERVICE: compose.services[name].build?.args?.SERVICE }).toEqual({ name, SERVICE: name });
    expect(SERVICE_NAMES).toContain(compose.services.migrate.build?.args?.SERVICE);
  });

  it('runs migrate once the database is healthy, as the image entrypoint `migrate` with the server admin URL', () => {
    const migrate = compose.services.migrate;
    expect(migrate.command).toEqual(['migrate']);
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(new URL(migrate.environment!.DATABASE_URL!).host).toBe('postgres:5432');
    // A one-shot container: the service image's HTTP health check would never pass.
    expect(migrate.healthcheck).toEqual({ disable: true });
  });

  it('starts every service only after migrate has completed successfully', () => {
    for (const name of SERVICE_NAMES) {
      expect({ name, migrate: (compose.services[name].depends_on as Record<string, { condition: string }>).migrate }).toEqual({
        name,
        migrate: { condition: 'service_completed_successfully' },
      });
    }
  });

  it('sets only variables the services read, pointing at the containers', () => {
    for (const name of SERVICE_NAMES) {
      const env = compose.services[name].environment ?? {};
      const known = settingsOf(name);
      expect({ name, unknown: Object.keys(env).filter((variable) => !known.has(variable)) }).toEqual({ name, unknown: [] });
      expect({ name, DB_HOST: env.DB_HOST, DB_PORT: env.DB_PORT }).toEqual({ name, DB_HOST: 'postgres', DB_PORT: '5432' });
      expect(env.SERVICEBUS_CONNECTION_STRING).toMatch(/^Endpoint=sb:\/\/servicebus-emulator:5672;.*UseDevelopmentEmulator=true$/);
      if (known.has('BLOB_CONNECTION_STRING')) expect({ name, blob: env.BLOB_CONNECTION_STRING }).toEqual({ name, blob: azuriteConnectionString('azurite', AZURITE_DEFAULT_BLOB_PORT) });
      if (known.has('REDIS_URL')) expect({ name, redis: env.REDIS_URL }).toEqual({ name, redis: 'redis://redis:6379' });
    }
    const migrateReads = new Set([...Object.keys(platformSettings), 'MIGRATIONS_DIR']);
    expect(Object.keys(compose.services.migrate.environment ?? {}).filter((variable) => !migrateReads.has(variable))).toEqual([]);
  });

  it('publishes each server and service on the port the configuration defaults expect', () => {
    const dbPort = databaseSettings(serviceNamed('core-store')).DB_PORT.default;
    expect(portMappings('postgres')).toEqual([{ bind: '127.0.0.1', host: dbPort, container: 5432 }]);
    expect(portMappings('redis')).toEqual([{ bind: '127.0.0.1', host: Number(new URL(LOCAL_REDIS_URL).port), container: 6379 }]);
    expect(portMappings('servicebus-emulator')).toEqual([
      { bind: '127.0.0.1', host: platformSettings.SERVICEBUS_EMULATOR_PORT.default, container: 5672 },
    ]);
    // Azurite's blob endpoint in the well-known development connection string.
    expect(portMappings('azurite')).toEqual([{ bind: '127.0.0.1', host: AZURITE_DEFAULT_BLOB_PORT, container: AZURITE_DEFAULT_BLOB_PORT }]);
    expect(CONTAINER_PORT).toBe(8080);
    for (const service of SERVICES) {
      const port = (loadConfig(serviceConfigSpec(service, {}), {}) as { PORT: number }).PORT;
      expect({ name: service.name, ports: portMappings(service.name) }).toEqual({ name: service.name, ports: [{ bind: '127.0.0.1', host: port, container: CONTAINER_PORT }] });
    }
  });

  it('publishes nothing beyond loopback', () => {
    const binds = Object.keys(compose.services).flatMap((name) => portMappings(name).map((p) => p.bind));
    expect(new Set(binds)).toEqual(new Set(['127.0.0.1']));
  });

  it('keeps secrets out of the file: they come from the environment', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      const descriptor = SERVICES.find((service) => service.name === name);
      const secrets = descriptor ? settingsOf(descriptor.name) : new Map(Object.entries(platformSettings).map(([n, s]) => [n, s.secret === true]));
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        // null: passed on from the environment when set there.
        if (value === null) continue;
        if (/PASSWORD|SECRET|TOKEN|KEY/.test(variable)) {
          expect({ service: name, variable, value }).toEqual({ service: name, variable, value: expect.stringMatching(FROM_ENVIRONMENT) });
        } else if (secrets.get(variable)) {
          expect({ service: name, variable, fromEnvironmentOrNoCredential: FROM_ENVIRONMENT.test(value) || holdsNoCredential(value) }).toEqual({
            service: name,
            variable,
            fromEnvironmentOrNoCredential: true,
          });
        }
      }
    }
  });

  it('mounts a Service Bus emulator configuration that exists in the repository', () => {
    const mounts = compose.services['servicebus-emulator'].volumes ?? [];
    const source = mounts[0].split(':')[0];
    expect(existsSync(join(root, source))).toBe(true);
  });
});
