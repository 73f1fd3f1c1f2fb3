import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseSettings, platformSettings, serviceNamed } from '@comply/config';
import { workspaceRoot } from '@comply/local-infra';
import { LOCAL_REDIS_URL } from '@comply/testing';
import { parse } from 'yaml';

interface ComposeService {
  image: string;
  ports?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}

const root = workspaceRoot(__dirname);
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };

/** "127.0.0.1:5673:5672" → { bind: '127.0.0.1', host: 5673, container: 5672 } */
function portMappings(service: string) {
  return (compose.services[service].ports ?? []).map((mapping) => {
    const [bind, host, container] = mapping.split(':');
    return { bind, host: Number(host), container: Number(container) };
  });
}

describe('docker-compose.yml (containers for machines with Docker)', () => {
  it('offers PostgreSQL, Redis, Azurite and the Service Bus emulator with its SQL dependency', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['azurite', 'postgres', 'redis', 'servicebus-emulator', 'servicebus-sql']);
    expect(compose.services['servicebus-emulator'].image).toMatch(/^mcr\.microsoft\.com\/azure-messaging\/servicebus-emulator/);
  });

  it('publishes each server on the port the configuration defaults expect', () => {
    const dbPort = databaseSettings(serviceNamed('core-store')).DB_PORT.default;
    expect(portMappings('postgres')).toEqual([{ bind: '127.0.0.1', host: dbPort, container: 5432 }]);
    expect(portMappings('redis')).toEqual([{ bind: '127.0.0.1', host: Number(new URL(LOCAL_REDIS_URL).port), container: 6379 }]);
    expect(portMappings('servicebus-emulator')).toEqual([
      { bind: '127.0.0.1', host: platformSettings.SERVICEBUS_EMULATOR_PORT.default, container: 5672 },
    ]);
    // Azurite's blob endpoint in the well-known development connection string.
    expect(portMappings('azurite')).toEqual([{ bind: '127.0.0.1', host: 10000, container: 10000 }]);
  });

  it('publishes nothing beyond loopback', () => {
    const binds = Object.keys(compose.services).flatMap((name) => portMappings(name).map((p) => p.bind));
    expect(new Set(binds)).toEqual(new Set(['127.0.0.1']));
  });

  it('keeps secrets out of the file: passwords come from the environment', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (/PASSWORD|SECRET|KEY/.test(variable)) {
          expect({ service: name, variable, value }).toEqual({ service: name, variable, value: expect.stringMatching(/^\$\{[A-Z_]+:\?/) });
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
