import { join } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';
import { datasourceProblems, expressionsOf, panelIdProblems, panelsOf, readDashboards } from './grafana-dashboards';
import { platformExpositions, ServiceExposition } from './grafana-platform-metrics';

const DASHBOARDS_DIR = join(workspaceRoot(), 'deploy', 'grafana', 'dashboards');
const dashboards = readDashboards(DASHBOARDS_DIR);

describe('Grafana dashboards (deploy/grafana/dashboards)', () => {
  it('exist', () => {
    expect(dashboards.map((d) => d.file)).toContain('operations.json');
  });

  it.each(dashboards)('$file: every query goes through the ${DS_PROMETHEUS} datasource variable', ({ dashboard }) => {
    expect(datasourceProblems(dashboard)).toEqual([]);
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

  describe('against the metrics the services export', () => {
    let expositions: ServiceExposition[];

    beforeAll(async () => {
      expositions = await platformExpositions();
    }, 180_000);

    it('read /metrics of every service', () => {
      expect(expositions.map((e) => e.service).sort()).toEqual(['analytics-ingest', 'audit-writer', 'backup-worker', 'billing', 'core-store']);
      for (const exposition of expositions) expect(exposition.names).toContain('http_request_duration_seconds_bucket');
    });

    it.each(dashboards)('$file: every metric a query reads is one a service exports', ({ dashboard }) => {
      const exported = new Set(expositions.flatMap((e) => [...e.names]));
      const expressions = expressionsOf(dashboard);
      expect(expressions.length).toBeGreaterThan(0);
      const unknown = expressions.flatMap(({ where, metrics }) => metrics.filter((name) => !exported.has(name)).map((name) => `${where}: ${name}`));
      expect(unknown).toEqual([]);
      // A query that reads no metric at all checks nothing.
      expect(expressions.filter((e) => e.metrics.length === 0).map((e) => e.where)).toEqual([]);
    });
  });
});
