import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';
import { DATABASE_NAMES, DatabaseName } from '@comply/config';
import { PLATFORM_TOPOLOGY } from '@comply/contracts';
import { MESSAGING_MIGRATIONS } from '@comply/messaging';
import { DIRECTORY_MIGRATIONS } from '@comply/tenant-directory';
import { configurationTable, SERVICE_ORDER_NOTE } from './configuration-table';
import { servicebusEmulatorConfig } from './servicebus-emulator-config';
import { servicebusTopologyTfvars } from './servicebus-topology-tfvars';

/**
 * A checked-in file, or a region of one between two HTML comment markers, that is generated
 * from code so that the two cannot drift apart.
 */
export interface GeneratedArtifact {
  file: string;
  /** Set for a region of a file; unset when the whole file is generated. */
  marker?: string;
  content: () => string;
}

const REPLICA_DATABASES: readonly DatabaseName[] = DATABASE_NAMES.filter((database) => database !== 'core');

export const GENERATED_ARTIFACTS: GeneratedArtifact[] = [
  {
    file: 'README.md',
    marker: 'configuration-table',
    content: () => `${configurationTable()}\n\n${SERVICE_ORDER_NOTE}`,
  },
  {
    file: 'docker/servicebus-emulator-config.json',
    content: () => servicebusEmulatorConfig(PLATFORM_TOPOLOGY),
  },
  {
    file: 'deploy/terraform/servicebus-topology.auto.tfvars.json',
    content: () => servicebusTopologyTfvars(PLATFORM_TOPOLOGY),
  },
  // libs/messaging's migrations (outbox and inbox), the same in every service database. Each
  // database's file is the one drizzle-kit numbered for it (`generate --custom --name <name>`).
  ...DATABASE_NAMES.flatMap((database) =>
    MESSAGING_MIGRATIONS.map((migration) => ({ file: libraryMigrationOf(database, migration.name), content: migration.sql })),
  ),
  // libs/tenant-directory's replica, in every database but core's (core-store owns the directory).
  ...REPLICA_DATABASES.flatMap((database) =>
    DIRECTORY_MIGRATIONS.map((migration) => ({ file: libraryMigrationOf(database, migration.name), content: migration.sql })),
  ),
];

function libraryMigrationOf(database: string, migration: string): string {
  const folder = join('migrations', database);
  const name = readdirSync(join(workspaceRoot(__dirname), folder)).find((file) => /^\d{4}_(.+)\.sql$/.exec(file)?.[1] === migration);
  if (!name) {
    throw new Error(
      `${folder} has no NNNN_${migration}.sql: create it with drizzle-kit generate --custom --name ${migration} (see README: adding a migration)`,
    );
  }
  return join(folder, name);
}

/** What the file should contain, given what it contains now. */
export function render(current: string, artifact: GeneratedArtifact): string {
  if (!artifact.marker) return artifact.content();
  const start = `<!-- generated:${artifact.marker} start -->`;
  const end = `<!-- generated:${artifact.marker} end -->`;
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${artifact.file} lacks the markers ${start} … ${end}`);
  return `${current.slice(0, from + start.length)}\n${artifact.content()}\n${current.slice(to)}`;
}

export function readCurrent(root: string, artifact: GeneratedArtifact): string {
  const path = join(root, artifact.file);
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** Rewrites every generated artifact; returns the files that changed. */
export function writeGeneratedArtifacts(root = workspaceRoot(__dirname)): string[] {
  const changed: string[] = [];
  for (const artifact of GENERATED_ARTIFACTS) {
    const path = join(root, artifact.file);
    const before = readCurrent(root, artifact);
    const after = render(before, artifact);
    if (after !== before) {
      writeFileSync(path, after);
      changed.push(artifact.file);
    }
  }
  return changed;
}
