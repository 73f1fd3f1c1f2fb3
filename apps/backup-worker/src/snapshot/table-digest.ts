import type { Readable } from 'node:stream';
import type { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { RowDigest } from './row-digest';
import { readSnapshotTables } from './snapshot-catalog';
import { beginSnapshotTransaction, copyOutStatement } from './snapshot-session';

export interface TableDigest {
  rows: number;
  /** "sha256:<hex>", as in TableManifest.digest. */
  digest: string;
}

/**
 * The content digest of each named table (`public.<name>`) of a live database, computed exactly as
 * the snapshot writer does, in one consistent read-only view: what a restore drill compares with the manifest.
 */
export async function digestTables(client: Client, tables: string[]): Promise<Map<string, TableDigest>> {
  await beginSnapshotTransaction(client);
  try {
    const known = new Map((await readSnapshotTables(client)).map((t) => [t.name, t]));
    const digests = new Map<string, TableDigest>();
    for (const name of tables) {
      const table = known.get(name);
      if (!table) throw new Error(`Table ${name} is not a table of the database's public schema`);
      const digest = new RowDigest();
      const copy: Readable = client.query(copyTo(copyOutStatement(client, table.name, table.columns)));
      for await (const chunk of copy) digest.update(chunk as Buffer);
      digests.set(name, { rows: digest.rows, digest: digest.digest() });
    }
    await client.query('COMMIT');
    return digests;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
