import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';

function sourceFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !/\.(int\.|e2e\.)?spec\.ts$/.test(entry.name))
    .filter((entry) => !join(entry.parentPath, entry.name).includes(join('src', 'testing')))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The services whose production code (specs and test helpers aside) imports a library, e.g. which
 * services wrap data keys with the KEK (`@comply/crypto`) or store blobs (`@comply/blob-storage`).
 */
export function servicesImporting(library: string, services: readonly string[], root = workspaceRoot(__dirname)): string[] {
  const importing = new RegExp(`from '${library.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'`);
  return services.filter((service) => sourceFilesUnder(join(root, 'apps', service, 'src')).some((file) => importing.test(readFileSync(file, 'utf8'))));
}

/** The `default:` of each `<NAME>_CONTAINER` setting a service declares: its blob containers besides BLOB_CONTAINER. */
export function containerSettingDefaults(service: string, root = workspaceRoot(__dirname)): string[] {
  return sourceFilesUnder(join(root, 'apps', service, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/\b[A-Z_]+_CONTAINER:\s*\{[^}]*?\bdefault:\s*'([a-z0-9-]+)'/g)].map((match) => match[1]),
  );
}
