import { platformSettings, serviceNamed, type ServiceName } from '@comply/config';
import { serviceConfigSpec } from '@comply/service-runtime';
import { settingsDocumentation } from '@comply/service-testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './chart-renderer';

/**
 * Every environment variable a service reads: the settings all services share (libs/config and
 * libs/service-runtime, as the root README's table enumerates them) and its own, read from its
 * README's configuration table (apps cannot be imported from a tool; each app's own test keeps that
 * table equal to what it declares).
 */
export function declaredSettings(service: ServiceName): Set<string> {
  const common = Object.keys(serviceConfigSpec(serviceNamed(service), {}));
  const { documented } = settingsDocumentation(readmeOf(service), {});
  return new Set([...common, ...Object.keys(documented)]);
}

/** The settings of a service that hold secrets: declared `secret`, or marked "Secret" in its README's table. */
export function secretSettings(service: ServiceName): Set<string> {
  const common = Object.entries(serviceConfigSpec(serviceNamed(service), {}))
    .filter(([, entry]) => entry.secret)
    .map(([name]) => name);
  const own = [...readFileSync(readmeOf(service), 'utf8').matchAll(/^\| `([A-Z0-9_]+)` \|.*\bSecret\b.*\|$/gm)].map(([, name]) => name);
  return new Set([...common, ...own]);
}

function readmeOf(service: ServiceName): string {
  return join(WORKSPACE_ROOT, 'apps', service, 'README.md');
}

/** What the migration runner (tools/db-migrate, the image's `migrate` entrypoint) reads. */
export function migrationRunnerSettings(): Set<string> {
  const readByMigrate = Object.entries(platformSettings)
    .filter(([, entry]) => entry.readBy?.includes('npm run migrate'))
    .map(([name]) => name);
  return new Set([...readByMigrate, 'MIGRATIONS_DIR']);
}
