import { queryOnce } from '@comply/testing';

/** Rows per table (`<service> <schema>.<table>`) across the services' databases, read as the admin (no RLS). */
export type TableCounts = Record<string, number>;

export async function countRows(adminUrls: Record<string, string>): Promise<TableCounts> {
  const counts: TableCounts = {};
  for (const [service, url] of Object.entries(adminUrls)) {
    const tables = await queryOnce<{ schema: string; name: string }>(
      url,
      `select table_schema as schema, table_name as name from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
    );
    if (tables.length === 0) continue;
    const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
    const union = tables.map((table, index) => `select ${index} as i, count(*)::int as n from ${quoted(table.schema)}.${quoted(table.name)}`).join(' union all ');
    for (const row of await queryOnce<{ i: number; n: number }>(url, union)) counts[`${service} ${tables[row.i].schema}.${tables[row.i].name}`] = row.n;
  }
  return counts;
}

/**
 * The counts once the platform has settled: read until three readings `intervalMs` apart agree, so
 * that events still travelling from earlier writes (the fixture's) are not taken
 * for the fuzzer's.
 */
export async function settledCounts(adminUrls: Record<string, string>, options: { intervalMs?: number; timeoutMs?: number } = {}): Promise<TableCounts> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  let previous = await countRows(adminUrls);
  let agreeing = 0;
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 5_000));
    const current = await countRows(adminUrls);
    agreeing = changedTables(previous, current).length === 0 ? agreeing + 1 : 0;
    if (agreeing >= 2 || Date.now() > deadline) return current;
    previous = current;
  }
}

export function changedTables(before: TableCounts, after: TableCounts): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((name) => before[name] !== after[name]).map((name) => `${name}: ${before[name] ?? 'absent'} → ${after[name] ?? 'absent'}`);
}
