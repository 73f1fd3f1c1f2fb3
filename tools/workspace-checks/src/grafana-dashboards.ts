import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricNamesOf, metricNamesOfVariableQuery } from './grafana-promql-metrics';

/** The datasource variable every Prometheus query of our dashboards goes through. */
export const PROMETHEUS_DATASOURCE_VARIABLE = 'DS_PROMETHEUS';
const DATASOURCE_REFERENCE = `\${${PROMETHEUS_DATASOURCE_VARIABLE}}`;

interface DatasourceRef {
  type?: string;
  uid?: string;
}

interface Target {
  refId?: string;
  expr?: string;
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

function describePanel(panel: Panel): string {
  return `panel ${panel.id ?? '(no id)'} "${panel.title ?? ''}"`;
}

function variableQueryText(variable: Variable): string | undefined {
  return typeof variable.query === 'string' ? variable.query : variable.query?.query;
}

/** Every PromQL expression: panel targets and query variables. */
export function expressionsOf(dashboard: Dashboard): DashboardExpression[] {
  const fromPanels = panelsOf(dashboard).flatMap((panel) =>
    (panel.targets ?? []).flatMap(({ refId, expr }) =>
      expr === undefined ? [] : [{ where: `${describePanel(panel)} target ${refId ?? '?'}`, expr, metrics: metricNamesOf(expr) }],
    ),
  );
  const fromVariables = (dashboard.templating?.list ?? [])
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const expr = variableQueryText(variable) ?? '';
      return { where: `variable ${variable.name}`, expr, metrics: metricNamesOfVariableQuery(expr) };
    });
  return [...fromPanels, ...fromVariables];
}

function isDatasourceVariable(ref: DatasourceRef | string | null | undefined): boolean {
  return typeof ref === 'object' && ref !== null && ref.uid === DATASOURCE_REFERENCE;
}

/** Queries that would not follow the dashboard's datasource variable, and a missing variable. */
export function datasourceProblems(dashboard: Dashboard): string[] {
  const problems: string[] = [];
  const variables = dashboard.templating?.list ?? [];
  const declared = variables.find((variable) => variable.name === PROMETHEUS_DATASOURCE_VARIABLE);
  if (declared?.type !== 'datasource' || variableQueryText(declared) !== 'prometheus') {
    problems.push(`no datasource variable ${PROMETHEUS_DATASOURCE_VARIABLE} of type prometheus`);
  }
  for (const panel of panelsOf(dashboard)) {
    if (panel.type === 'row' || panel.type === 'text') continue;
    if (!isDatasourceVariable(panel.datasource)) problems.push(`${describePanel(panel)}: datasource is not ${DATASOURCE_REFERENCE}`);
    if (!panel.targets?.length) problems.push(`${describePanel(panel)}: no queries`);
    for (const target of panel.targets ?? []) {
      if (!isDatasourceVariable(target.datasource)) {
        problems.push(`${describePanel(panel)} target ${target.refId ?? '?'}: datasource is not ${DATASOURCE_REFERENCE}`);
      }
    }
  }
  for (const variable of variables.filter((v) => v.type === 'query')) {
    if (!isDatasourceVariable(variable.datasource)) problems.push(`variable ${variable.name}: datasource is not ${DATASOURCE_REFERENCE}`);
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
