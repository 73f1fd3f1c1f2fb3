import { DASHBOARDS_DIR, datasourceOf, expressionsOf, readDashboards } from '../grafana/grafana-dashboards';
import { declaredAlerts } from '../terraform/terraform-alerts';
import { loadTerraformConfig } from '../terraform/terraform-config';
import { platformExpositions, ServiceExposition } from './platform-metrics';
import { metricNamesOf } from './promql-metrics';

/** A PromQL expression of the repository, where it stands and the metrics it reads. */
interface Query {
  where: string;
  metrics: string[];
}

const prometheusDashboards = readDashboards(DASHBOARDS_DIR).filter(({ dashboard }) => datasourceOf(dashboard) === 'prometheus');

/** Every read of a metric that no service exports, as `where: metric`. */
function unexported(queries: Query[], exported: Set<string>): string[] {
  return queries.flatMap(({ where, metrics }) => metrics.filter((name) => !exported.has(name)).map((name) => `${where}: ${name}`));
}

// Starting the five services takes most of a minute, so one start serves every PromQL expression:
// the Grafana dashboards' and the Terraform Prometheus alert rules'.
describe('PromQL of deploy/ against the metrics the services export', () => {
  let expositions: ServiceExposition[];
  let exported: Set<string>;

  beforeAll(async () => {
    expositions = await platformExpositions();
    exported = new Set(expositions.flatMap((exposition) => [...exposition.names]));
  }, 180_000);

  it('read /metrics of every service', () => {
    expect(expositions.map((e) => e.service).sort()).toEqual(['analytics-ingest', 'audit-writer', 'backup-worker', 'billing', 'core-store']);
    for (const exposition of expositions) expect(exposition.names).toContain('http_request_duration_seconds_bucket');
  });

  it.each(prometheusDashboards)('deploy/grafana/dashboards/$file: every metric a query reads is one a service exports', ({ dashboard }) => {
    const expressions = expressionsOf(dashboard);
    expect(expressions.length).toBeGreaterThan(0);
    expect(unexported(expressions, exported)).toEqual([]);
    // A query that reads no metric at all checks nothing.
    expect(expressions.filter((e) => e.metrics.length === 0).map((e) => e.where)).toEqual([]);
  });

  it('deploy/terraform: every metric a Prometheus alert rule reads is one a service exports', async () => {
    const rules = declaredAlerts(await loadTerraformConfig()).flatMap(({ where, promql }) => (promql ? [{ where, metrics: metricNamesOf(promql) }] : []));
    expect(rules.length).toBeGreaterThanOrEqual(6);
    expect(unexported(rules, exported)).toEqual([]);
    expect(rules.filter((rule) => rule.metrics.length === 0).map((rule) => rule.where)).toEqual([]);
  });
});
