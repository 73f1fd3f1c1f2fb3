/**
 * Sums of one batch by key: rows of an additive upsert, aggregated in the app so that a batch
 * writes each (tenant, bucket, key) once. Rows come out in key order, so concurrent batches lock
 * rollup rows in the same order and never deadlock.
 */
export class KeyedTally<Row> {
  private readonly rows = new Map<string, Row>();

  constructor(private readonly start: () => Row) {}

  /** The row of `key`, created empty on first use, for the caller to add to. */
  at(key: readonly string[]): Row {
    const id = key.join('\u0000');
    let row = this.rows.get(id);
    if (!row) {
      row = this.start();
      this.rows.set(id, row);
    }
    return row;
  }

  /** Rows with their keys, in key order. */
  entries(): [string[], Row][] {
    return [...this.rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, row]) => [id.split('\u0000'), row]);
  }

  get size(): number {
    return this.rows.size;
  }
}

/** Groups items by tenant, tenants in id order. */
export function byTenant<T>(items: readonly T[], tenantOf: (item: T) => string): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const tenant = tenantOf(item);
    const group = groups.get(tenant);
    if (group) group.push(item);
    else groups.set(tenant, [item]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
