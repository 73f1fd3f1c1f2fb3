import type { SnapshotManifest, TableManifest } from './snapshot-manifest';

/**
 * The first frame of a snapshot: what the manifest says about the schema, inside the encrypted,
 * authenticated blob, so a restore can check the manifest it was handed describes this blob.
 */
export type SnapshotHeader = Pick<
  SnapshotManifest,
  'formatVersion' | 'database' | 'snapshotAt' | 'coversTransactionsBefore' | 'serverVersion' | 'migrations' | 'partitions' | 'sequences'
> & { tables: Pick<TableManifest, 'name' | 'columns'>[] };

/** The last frame of each table. */
export type TableEnd = Pick<TableManifest, 'rows' | 'bytes' | 'digest'>;

export function headerOf(manifest: SnapshotManifest): SnapshotHeader {
  return {
    formatVersion: manifest.formatVersion,
    database: manifest.database,
    snapshotAt: manifest.snapshotAt,
    coversTransactionsBefore: manifest.coversTransactionsBefore,
    serverVersion: manifest.serverVersion,
    migrations: manifest.migrations,
    partitions: manifest.partitions,
    sequences: manifest.sequences,
    tables: manifest.tables.map(({ name, columns }) => ({ name, columns })),
  };
}
