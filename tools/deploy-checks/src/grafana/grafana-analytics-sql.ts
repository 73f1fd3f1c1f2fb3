/*
 * The SQL of the business dashboards, which read analytics-ingest's BI views (analytics_v_*) as
 * analytics_reader: which views a query names, and the query as Grafana would send it, so that a
 * test can run it against the migrated analytics database.
 */

/** The views a query names. */
export function viewsNamedIn(sql: string): string[] {
  return [...new Set(sql.match(/\banalytics_v_[a-z0-9_]+\b/g) ?? [])].sort();
}

/**
 * The columns a query names through the alias of a view it reads (`FROM analytics_v_x r` …
 * `r.stored`), and those of a view it reads alone: the identifiers of its SELECT list, WHERE,
 * GROUP BY and ORDER BY that are not SQL words, functions, aliases it defines or Grafana macros.
 */
export function viewReferencesIn(sql: string): Array<{ view: string; column: string }> {
  const aliases = new Map<string, string>();
  for (const [, view, alias] of sql.matchAll(/\b(analytics_v_[a-z0-9_]+)\s+(?:AS\s+)?([a-z]\w*)\b/gi)) {
    if (!SQL_WORDS.has(alias.toLowerCase())) aliases.set(alias, view);
  }
  const qualified = [...sql.matchAll(/\b([a-z]\w*)\.([a-z_]\w*)\b/gi)].flatMap(([, alias, column]) => {
    const view = aliases.get(alias);
    return view ? [{ view, column }] : [];
  });
  const views = viewsNamedIn(sql);
  if (views.length !== 1 || aliases.size > 0) return qualified;
  const [view] = views;
  const defined = new Set([...sql.matchAll(/\bAS\s+([a-z_]\w*)/gi)].map(([, name]) => name.toLowerCase()));
  const words = sql
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\$\{[^}]*\}|\$__\w+/g, '')
    .replace(/\banalytics_v_[a-z0-9_]+\b/g, '')
    .match(/\b[a-z_][a-z0-9_]*\b(?!\s*\()/gi) ?? [];
  return [...new Set(words)]
    .filter((word) => !SQL_WORDS.has(word.toLowerCase()) && !defined.has(word.toLowerCase()))
    .map((column) => ({ view, column }));
}

/** Keywords, types and literals the dashboards' queries use besides columns. */
const SQL_WORDS = new Set(
  (
    'select from where and or not as group by order limit desc asc nulls first last is null in any array text join left cross lateral on ' +
    'using values with filter union distinct between timestamptz float epoch true false case when then else end'
  ).split(' '),
);

export interface GrafanaSqlContext {
  /** The dashboard's time range, ISO 8601. */
  from: string;
  to: string;
  /** Values of the dashboard's template variables (a multi-value variable has several). */
  variables: Record<string, string[]>;
}

const quoted = (value: string) => `'${value.replace(/'/g, "''")}'`;

function variableValues(context: GrafanaSqlContext, name: string): string[] {
  const values = context.variables[name];
  if (values === undefined) throw new Error(`the query uses $${name}, which is not a variable of the dashboard`);
  return values;
}

/**
 * The query after Grafana's interpolation for a PostgreSQL datasource: template variables
 * (`${name:sqlstring}` quoted and comma-separated, `${name}` and `$name` as they are) and the time
 * macros the dashboards use. Any other macro is refused, so a query that starts using one gets it
 * supported here rather than passing unchecked.
 */
export function interpolateGrafanaSql(sql: string, context: GrafanaSqlContext): string {
  const from = `${quoted(context.from)}::timestamptz`;
  const to = `${quoted(context.to)}::timestamptz`;
  const expanded = sql
    .replace(/\$__timeFilter\(([^()]+)\)/g, (_, column: string) => `(${column.trim()} BETWEEN ${from} AND ${to})`)
    .replace(/\$__timeFrom\(\)/g, from)
    .replace(/\$__timeTo\(\)/g, to)
    .replace(/\$\{([A-Za-z_]\w*):sqlstring\}/g, (_, name: string) => variableValues(context, name).map(quoted).join(','))
    .replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z]\w*)/g, (_, braced: string | undefined, bare: string | undefined) =>
      variableValues(context, (braced ?? bare) as string).join(','),
    );
  const left = /\$\S*/.exec(expanded);
  if (left) throw new Error(`unsupported Grafana macro or variable format: ${left[0]}`);
  return expanded;
}

/** A (framework, control, label) row of a compliance panel's catalog. */
export type CatalogRow = [framework: string, control: string, label: string];

/**
 * The rows of a query's `catalog(framework, control, label) AS (VALUES …)`: the compliance
 * catalog restated in SQL, since the database does not hold it; undefined without one.
 */
export function catalogRowsIn(sql: string): CatalogRow[] | undefined {
  const block = /\bcatalog\s*\(\s*framework\s*,\s*control\s*,\s*label\s*\)\s+AS\s*\(\s*VALUES\s+((?:\(\s*'[^']*'\s*,\s*'[^']*'\s*,\s*'[^']*'\s*\)\s*,?\s*)+)\)/i.exec(sql);
  if (!block) return undefined;
  return [...block[1].matchAll(/\(\s*'([^']*)'\s*,\s*'([^']*)'\s*,\s*'([^']*)'\s*\)/g)].map(([, framework, control, label]) => [framework, control, label]);
}
