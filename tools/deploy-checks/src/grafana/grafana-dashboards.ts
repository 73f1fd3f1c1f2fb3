import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';
import { metricNamesOf, metricNamesOfVariableQuery } from '../prometheus/promql-metrics';

/** deploy/grafana/dashboards, the dashboards Grafana provisions. */
export const DASHBOARDS_DIR = join(workspaceRoot(__dirname), 'deploy', 'grafana', 'dashboards');

/**
 * The datasources our dashboards read, each through a datasource variable of its own, so a
 * dashboard works with whichever datasource of that type an installation has: Prometheus
 * (operations) or analytics-ingest's database as analytics_reader (business).
 */
export const DASHBOARD_DATASOURCES = {
  prometheus: { variable: 'DS_PROMETHEUS', type: 'prometheus' },
  analytics: { variable: 'DS_ANALYTICS', type: 'grafana-postgresql-datasource' },
} as const;
export type DashboardDatasource = keyof typeof DASHBOARD_DATASOURCES;

const referenceTo = (datasource: DashboardDatasource) => `\${${DASHBOARD_DATASOURCES[datasource].variable}}`;

interface DatasourceRef {
  type?: string;
  uid?: string;
}

interface Target {
  refId?: string;
  expr?: string;
  rawSql?: string;
  datasource?: DatasourceRef | string | null;
}

export interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: DatasourceRef | string | null;
  targets?: Target[];
  panels?: Panel[];
}

interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
  datasource?: DatasourceRef | string | null;
}

export interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list?: Variable[] };
}

export interface DashboardFile {
  file: string;
  dashboard: Dashboard;
}

/** A query of a dashboard and where it stands, for messages a reader can act on. */
export interface DashboardQuery {
  where: string;
  text: string;
}

/** A PromQL expression of a dashboard and where it stands, for messages a reader can act on. */
export interface DashboardExpression {
  where: string;
  expr: string;
  metrics: string[];
}

export function readDashboards(dir: string): DashboardFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ file: name, dashboard: JSON.parse(readFileSync(join(dir, name), 'utf8')) as Dashboard }));
}

/** Every panel, including those inside (collapsed) rows. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** The datasource a dashboard reads, by the datasource variable it declares. */
export function datasourceOf(dashboard: Dashboard): DashboardDatasource | undefined {
  const declared = (dashboard.templating?.list ?? []).filter((variable) => variable.type === 'datasource');
  const kinds = (Object.keys(DASHBOARD_DATASOURCES) as DashboardDatasource[]).filter((kind) =>
    declared.some((variable) => variable.name === DASHBOARD_DATASOURCES[kind].variable),
  );
  return kinds.length === 1 ? kinds[0] : undefined;
}

function describePanel(panel: Panel): string {
  return `panel ${panel.id ?? '(no id)'} "${panel.title ?? ''}"`;
}

function variableQueryText(variable: Variable): string | undefined {
  return typeof variable.query === 'string' ? variable.query : variable.query?.query;
}

function panelQueries(dashboard: Dashboard, field: 'expr' | 'rawSql'): DashboardQuery[] {
  return panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).flatMap((target) => {
      const text = target[field];
      return text === undefined ? [] : [{ where: `${describePanel(panel)} target ${target.refId ?? '?'}`, text }];
    }),
  );
}

function variableQueries(dashboard: Dashboard): DashboardQuery[] {
  return (dashboard.templating?.list ?? [])
    .filter((variable) => variable.type === 'query')
    .map((variable) => ({ where: `variable ${variable.name}`, text: variableQueryText(variable) ?? '' }));
}

/** Every PromQL expression: panel targets and query variables. */
export function expressionsOf(dashboard: Dashboard): DashboardExpression[] {
  return [
    ...panelQueries(dashboard, 'expr').map(({ where, text }) => ({ where, expr: text, metrics: metricNamesOf(text) })),
    ...variableQueries(dashboard).map(({ where, text }) => ({ where, expr: text, metrics: metricNamesOfVariableQuery(text) })),
  ];
}

/** Every SQL query: panel targets (raw SQL) and query variables. */
export function sqlQueriesOf(dashboard: Dashboard): DashboardQuery[] {
  return [...panelQueries(dashboard, 'rawSql'), ...variableQueries(dashboard)];
}

/** Queries that would not follow the dashboard's datasource variable, and a missing variable. */
export function datasourceProblems(dashboard: Dashboard, datasource: DashboardDatasource): string[] {
  const { variable: name, type } = DASHBOARD_DATASOURCES[datasource];
  const reference = referenceTo(datasource);
  const follows = (ref: DatasourceRef | string | null | undefined) => typeof ref === 'object' && ref !== null && ref.uid === reference;
  const problems: string[] = [];
  const variables = dashboard.templating?.list ?? [];
  const declared = variables.find((variable) => variable.name === name);
  if (declared?.type !== 'datasource' || variableQueryText(declared) !== type) problems.push(`no datasource variable ${name} of type ${type}`);
  for (const panel of panelsOf(dashboard)) {
    if (panel.type === 'row' || panel.type === 'text') continue;
    if (!follows(panel.datasource)) problems.push(`${describePanel(panel)}: datasource is not ${reference}`);
    if (!panel.targets?.length) problems.push(`${describePanel(panel)}: no queries`);
    for (const target of panel.targets ?? []) {
      if (!follows(target.datasource)) problems.push(`${describePanel(panel)} target ${target.refId ?? '?'}: datasource is not ${reference}`);
    }
  }
  for (const variable of variables.filter((v) => v.type === 'query')) {
    if (!follows(variable.datasource)) problems.push(`variable ${variable.name}: datasource is not ${reference}`);
  }
  return problems;
}

/** Panel ids that are missing or used more than once (Grafana links, embeds and alerts by id). */
export function panelIdProblems(dashboard: Dashboard): string[] {
  const seen = new Map<number, number>();
  const problems: string[] = [];
  for (const panel of panelsOf(dashboard)) {
    if (typeof panel.id !== 'number') problems.push(`${describePanel(panel)}: no numeric id`);
    else seen.set(panel.id, (seen.get(panel.id) ?? 0) + 1);
  }
  for (const [id, count] of seen) if (count > 1) problems.push(`panel id ${id} is used ${count} times`);
  return problems;
}
