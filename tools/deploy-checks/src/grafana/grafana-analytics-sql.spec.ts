import { catalogRowsIn, interpolateGrafanaSql, viewReferencesIn, viewsNamedIn } from './grafana-analytics-sql';

const context = { from: '2026-01-01T00:00:00Z', to: '2026-01-31T00:00:00Z', variables: { tenant: ["o'brien", 'acme'] } };

describe('viewsNamedIn', () => {
  it('lists each analytics_v_* view once, sorted, and nothing else', () => {
    const sql = 'SELECT 1 FROM analytics_v_records_daily r JOIN analytics_v_labels_daily l USING (day) JOIN analytics_v_records_daily x USING (day), record_rollups_daily';
    expect(viewsNamedIn(sql)).toEqual(['analytics_v_labels_daily', 'analytics_v_records_daily']);
    expect(viewsNamedIn('SELECT 1')).toEqual([]);
  });
});

describe('viewReferencesIn', () => {
  it('reads the columns of a view read alone, leaving out words, functions, macros, strings and the names it defines', () => {
    const sql =
      "SELECT day AS time, coalesce(tenant_id, 'platform') AS scope, sum(stored) AS total\n  FROM analytics_v_records_daily\n WHERE $__timeFilter(day) AND tenant_id = ANY (ARRAY[${tenant:sqlstring}]::text[]) AND confidence_p99 IS NOT NULL\n GROUP BY day ORDER BY day DESC";
    expect(viewReferencesIn(sql)).toEqual([
      { view: 'analytics_v_records_daily', column: 'day' },
      { view: 'analytics_v_records_daily', column: 'tenant_id' },
      { view: 'analytics_v_records_daily', column: 'stored' },
      { view: 'analytics_v_records_daily', column: 'confidence_p99' },
    ]);
  });

  it('reads the columns named through the aliases of views, not those of other relations', () => {
    const sql = 'SELECT c.framework, sum(l.stored) FROM catalog c LEFT JOIN analytics_v_labels_daily AS l ON l.label = c.label CROSS JOIN analytics_v_mrr m WHERE m.mrr > 0';
    expect(viewReferencesIn(sql)).toEqual([
      { view: 'analytics_v_labels_daily', column: 'stored' },
      { view: 'analytics_v_labels_daily', column: 'label' },
      { view: 'analytics_v_mrr', column: 'mrr' },
    ]);
  });
});

describe('interpolateGrafanaSql', () => {
  it('expands the time macros and quotes multi-value variables in sqlstring format', () => {
    const sql = 'SELECT 1 FROM v WHERE $__timeFilter(r.day) AND day < $__timeTo() AND day >= $__timeFrom() AND tenant_id = ANY (ARRAY[${tenant:sqlstring}]::text[])';
    expect(interpolateGrafanaSql(sql, context)).toBe(
      "SELECT 1 FROM v WHERE (r.day BETWEEN '2026-01-01T00:00:00Z'::timestamptz AND '2026-01-31T00:00:00Z'::timestamptz)" +
        " AND day < '2026-01-31T00:00:00Z'::timestamptz AND day >= '2026-01-01T00:00:00Z'::timestamptz" +
        " AND tenant_id = ANY (ARRAY['o''brien','acme']::text[])",
    );
  });

  it('refuses a variable the dashboard does not have and a macro it does not know', () => {
    expect(() => interpolateGrafanaSql('SELECT ${region:sqlstring}', context)).toThrow('$region');
    expect(() => interpolateGrafanaSql('SELECT $__timeGroupAlias(day, 1d)', context)).toThrow('unsupported Grafana macro or variable format: $__timeGroupAlias');
    expect(() => interpolateGrafanaSql('SELECT ${tenant:csv}', context)).toThrow('unsupported');
  });
});

describe('catalogRowsIn', () => {
  it('reads the rows of a catalog CTE and answers undefined without one', () => {
    const sql = "WITH catalog(framework, control, label) AS (\n  VALUES ('SOC2', 'CC6.1', 'PII'),\n ('HIPAA', '164.312(a)(1)', 'PHI')\n) SELECT * FROM catalog";
    expect(catalogRowsIn(sql)).toEqual([
      ['SOC2', 'CC6.1', 'PII'],
      ['HIPAA', '164.312(a)(1)', 'PHI'],
    ]);
    expect(catalogRowsIn('SELECT 1')).toBeUndefined();
  });
});
