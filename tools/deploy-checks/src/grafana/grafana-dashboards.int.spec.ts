import { COMPLIANCE_CATALOG, COMPLIANCE_FRAMEWORKS } from '@comply/contracts';
import { createTestDatabase, queryOnce, TestDatabase } from '@comply/testing';
import { catalogRowsIn, interpolateGrafanaSql, viewReferencesIn, viewsNamedIn } from './grafana-analytics-sql';
import { DASHBOARDS_DIR, datasourceOf, datasourceProblems, panelIdProblems, panelsOf, readDashboards, sqlQueriesOf } from './grafana-dashboards';

const dashboards = readDashboards(DASHBOARDS_DIR);
const prometheusDashboards = dashboards.filter(({ dashboard }) => datasourceOf(dashboard) === 'prometheus');
const businessDashboards = dashboards.filter(({ dashboard }) => datasourceOf(dashboard) === 'analytics');

describe('Grafana dashboards (deploy/grafana/dashboards)', () => {
  it('exist, each reading Prometheus or the analytics views', () => {
    expect(prometheusDashboards.map((d) => d.file)).toContain('operations.json');
    expect(businessDashboards.map((d) => d.file)).toContain('business.json');
    expect(dashboards.filter(({ dashboard }) => datasourceOf(dashboard) === undefined).map((d) => d.file)).toEqual([]);
  });

  it.each(dashboards)('$file: every query goes through its datasource variable', ({ dashboard }) => {
    expect(datasourceProblems(dashboard, datasourceOf(dashboard)!)).toEqual([]);
  });

  it.each(dashboards)('$file: every panel has an id of its own', ({ dashboard }) => {
    expect(panelsOf(dashboard).length).toBeGreaterThan(0);
    expect(panelIdProblems(dashboard)).toEqual([]);
  });

  it('have distinct uids', () => {
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect(uids.every((uid) => typeof uid === 'string' && uid.length > 0)).toBe(true);
    expect(new Set(uids).size).toBe(uids.length);
  });

  describe('against the views of the migrated analytics database, as analytics_reader', () => {
    let database: TestDatabase;
    /** Every column of every analytics_v_* view the reader can read, by view. */
    let views: Map<string, Set<string>>;

    beforeAll(async () => {
      database = await createTestDatabase('analytics');
      const columns = await queryOnce<{ table_name: string; column_name: string }>(
        database.readerUrl!,
        `select table_name, column_name from information_schema.columns
          where table_schema = 'public' and table_name like 'analytics\\_v\\_%' and has_table_privilege(table_name, 'select')`,
      );
      views = new Map();
      for (const { table_name, column_name } of columns) views.set(table_name, (views.get(table_name) ?? new Set()).add(column_name));
    }, 60_000);

    afterAll(() => database?.drop());

    it('the reader reads the views', () => {
      expect([...views.keys()]).toContain('analytics_v_records_daily');
      expect(views.get('analytics_v_records_daily')).toContain('confidence_p99');
    });

    it.each(businessDashboards)('$file: every query names views that exist, and only views', ({ dashboard }) => {
      const queries = sqlQueriesOf(dashboard);
      expect(queries.length).toBeGreaterThan(0);
      const unknown = queries.flatMap(({ where, text }) => viewsNamedIn(text).filter((view) => !views.has(view)).map((view) => `${where}: ${view}`));
      expect(unknown).toEqual([]);
      expect(queries.filter(({ text }) => viewsNamedIn(text).length === 0).map((q) => q.where)).toEqual([]);
      const rollupTables = /\b(record_rollups|record_dimension_rollups|invoice_rollups|backup_rollups|subscription_changes)\w*/;
      expect(queries.filter(({ text }) => rollupTables.test(text)).map((q) => q.where)).toEqual([]);
    });

    it.each(businessDashboards)('$file: every column a query names is a column of the views it reads', ({ dashboard }) => {
      const problems = sqlQueriesOf(dashboard).flatMap(({ where, text }) =>
        viewReferencesIn(text).flatMap(({ view, column }) => (views.get(view)?.has(column) ? [] : [`${where}: ${view}.${column}`])),
      );
      expect(problems).toEqual([]);
    });

    it.each(businessDashboards)('$file: every query runs as analytics_reader, as Grafana sends it', async ({ dashboard }) => {
      const variables = Object.fromEntries(
        (dashboard.templating?.list ?? []).filter((variable) => variable.type === 'query').map((variable) => [variable.name, ['acme', "o'brien"]]),
      );
      const context = { from: '2026-01-01T00:00:00Z', to: '2026-04-01T00:00:00Z', variables };
      const failures: string[] = [];
      for (const { where, text } of sqlQueriesOf(dashboard)) {
        // The database names an unknown column or view, a type error or a missing privilege in its refusal.
        await queryOnce(database.readerUrl!, interpolateGrafanaSql(text, context)).catch((error: Error) => failures.push(`${where}: ${error.message}`));
      }
      expect(failures).toEqual([]);
    });

    it.each(businessDashboards)('$file: the compliance catalog a query restates is libs/contracts\' COMPLIANCE_CATALOG', ({ dashboard }) => {
      const expected = COMPLIANCE_FRAMEWORKS.flatMap((framework) =>
        COMPLIANCE_CATALOG[framework].controls.flatMap((control) => control.labels.map((label) => [framework, control.id, label])),
      );
      const restated = sqlQueriesOf(dashboard).flatMap(({ where, text }) => {
        const rows = catalogRowsIn(text);
        return rows ? [{ where, rows }] : [];
      });
      for (const { where, rows } of restated) expect({ where, rows }).toEqual({ where, rows: expected });
    });
  });
});
