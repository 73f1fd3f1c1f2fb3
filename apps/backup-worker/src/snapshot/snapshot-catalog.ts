import { MIGRATIONS_TABLE } from '@comply/persistence';
import type { Client } from 'pg';
import type { PartitionManifest, SequenceManifest } from './snapshot-manifest';
import { qualified } from './snapshot-session';

/** A snapshot of named tables found some of them absent from the source. */
export class MissingTablesError extends Error {
  override name = 'MissingTablesError';

  constructor(readonly tables: string[]) {
    super(`no table ${tables.join(', ')} in public`);
  }
}

export interface SnapshotTable {
  /** `public.<name>`. */
  name: string;
  /** Stored (not generated) columns in attribute order: what COPY reads and writes. */
  columns: string[];
}

/**
 * Ordinary and partitioned tables of `public` (partitions are read through their parent), in
 * restore order: a table after every table its foreign keys reference. The migrations table is
 * not data: a restore target is migrated, and the manifest lists it.
 */
export async function readSnapshotTables(client: Client, only?: readonly string[]): Promise<SnapshotTable[]> {
  // `only` names tables of public by name, partitions included: an archive reads one partition on its own.
  const tables = await client.query<{ oid: number; name: string; columns: string[] }>(
    `select c.oid::int as oid, 'public.' || c.relname as name,
            array(select a.attname::text from pg_attribute a
                  where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
                  order by a.attnum) as columns
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> $1
        and case when $2::text[] is null then not c.relispartition else c.relname = any($2::text[]) end
      order by c.relname`,
    [MIGRATIONS_TABLE, only ?? null],
  );
  const missing = (only ?? []).filter((name) => !tables.rows.some((t) => t.name === `public.${name}`));
  if (missing.length > 0) throw new MissingTablesError(missing);
  const references = await client.query<{ child: number; parent: number }>(
    `select conrelid::int as child, confrelid::int as parent from pg_constraint
      where contype = 'f' and conparentid = 0 and conrelid <> confrelid`,
  );
  const dependsOn = new Map<number, Set<number>>(tables.rows.map((t) => [t.oid, new Set<number>()]));
  for (const { child, parent } of references.rows) {
    if (dependsOn.has(child) && dependsOn.has(parent)) dependsOn.get(child)?.add(parent);
  }
  const ordered: SnapshotTable[] = [];
  const placed = new Set<number>();
  while (ordered.length < tables.rows.length) {
    const ready = tables.rows.filter((t) => !placed.has(t.oid) && [...(dependsOn.get(t.oid) ?? [])].every((p) => placed.has(p)));
    // A reference cycle cannot be ordered; the rest go by name and rely on deferrable constraints.
    const next = ready.length ? ready : tables.rows.filter((t) => !placed.has(t.oid));
    for (const table of next) {
      placed.add(table.oid);
      ordered.push({ name: table.name, columns: table.columns });
    }
  }
  return ordered;
}

/** Partitions of public tables, parents before their own partitions, with what a re-created one needs. */
export async function readPartitions(client: Client): Promise<PartitionManifest[]> {
  const result = await client.query<PartitionManifest>(
    `select 'public.' || c.relname as name, 'public.' || p.relname as parent,
            pg_get_expr(c.relpartbound, c.oid) as bound,
            c.relrowsecurity as "rowSecurity", c.relforcerowsecurity as "forceRowSecurity",
            array(select case when g.grantee = 0 then 'PUBLIC' else pg_get_userbyid(g.grantee) end || ':' || g.privilege_type
                    from aclexplode(c.relacl) g where g.grantee <> c.relowner order by 1) as grants,
            array(select pg_get_triggerdef(t.oid) from pg_trigger t
                   where t.tgrelid = c.oid and not t.tgisinternal and t.tgparentid = 0 order by t.tgname) as triggers
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_inherits i on i.inhrelid = c.oid
       join pg_class p on p.oid = i.inhparent
      where n.nspname = 'public' and c.relispartition and c.relkind in ('r', 'p')
      order by (select count(*) from pg_partition_ancestors(c.oid)), c.relname`,
  );
  return result.rows;
}

export async function readSequences(client: Client): Promise<SequenceManifest[]> {
  const names = await client.query<{ name: string }>(
    `select 'public.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'S' order by c.relname`,
  );
  const sequences: SequenceManifest[] = [];
  for (const { name } of names.rows) {
    const state = await client.query<{ last_value: string; is_called: boolean }>(
      `select last_value::text, is_called from ${qualified(client, name)}`,
    );
    sequences.push({ name, lastValue: state.rows[0].last_value, isCalled: state.rows[0].is_called });
  }
  return sequences;
}

export async function readAppliedMigrations(client: Client): Promise<{ name: string; checksum: string }[]> {
  const result = await client.query<{ name: string; checksum: string }>(
    `select name, checksum from public.${MIGRATIONS_TABLE} order by name`,
  );
  return result.rows;
}
