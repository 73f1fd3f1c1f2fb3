import type { TableComparison } from '../database/schema';
import type { SnapshotManifest } from '../snapshot/snapshot-manifest';
import type { TableDigest } from '../snapshot/table-digest';

export type { TableComparison } from '../database/schema';

/** Each table of the manifest against what a restored copy holds; a table missing from the copy never matches. */
export function compareTables(manifest: SnapshotManifest, restored: Map<string, TableDigest>): TableComparison[] {
  return manifest.tables.map((table) => {
    const actual = restored.get(table.name);
    return {
      name: table.name,
      expectedRows: table.rows,
      expectedDigest: table.digest,
      actualRows: actual?.rows ?? null,
      actualDigest: actual?.digest ?? null,
      matches: actual !== undefined && actual.rows === table.rows && actual.digest === table.digest,
    };
  });
}
