import { RUNBOOKS_DIR } from './deployment-conventions';
import { blocksOf, Body, localOf, resourcesOfType, TerraformConfig } from './terraform-config';
import { withLocals } from './terraform-expressions';

/** One alert as deploy/terraform declares it: a Prometheus rule or an Azure Monitor metric alert. */
export interface DeclaredAlert {
  where: string;
  /** Slug of the runbook its description or runbook_url names (docs/runbooks/alerts/<slug>.md). */
  runbook: string | undefined;
  /** action_group_id of each action block. */
  actionGroups: string[];
  promql?: string;
  azure?: { namespace: string; metric: string; dimensions: string[] };
}

const RUNBOOK = new RegExp(`${RUNBOOKS_DIR.replace(/\//g, '\\/')}\\/([a-z0-9-]+)\\.md`);

function runbookIn(text: unknown, config: TerraformConfig): string | undefined {
  if (typeof text !== 'string') return undefined;
  return RUNBOOK.exec(withLocals(text, (name) => config.locals.has(name) && localOf(config, name)))?.[1];
}

function actionGroupsOf(body: Body): string[] {
  return blocksOf(body, 'action').map((action) => String(action.action_group_id));
}

/** Every rule of every Prometheus rule group, and every metric alert. */
export function declaredAlerts(config: TerraformConfig): DeclaredAlert[] {
  const rules = resourcesOfType(config, 'azurerm_monitor_alert_prometheus_rule_group').flatMap(({ name, body }) =>
    blocksOf(body, 'rule').map((rule) => ({
      where: `prometheus rule group ${name}, alert ${String(rule.alert)}`,
      runbook: runbookIn((rule.annotations as Body | undefined)?.runbook_url, config),
      actionGroups: actionGroupsOf(rule),
      promql: String(rule.expression),
    })),
  );
  const metricAlerts = resourcesOfType(config, 'azurerm_monitor_metric_alert').map(({ name, body }) => {
    const [criteria] = blocksOf(body, 'criteria');
    return {
      where: `metric alert ${name}`,
      runbook: runbookIn(body.description, config),
      actionGroups: actionGroupsOf(body),
      azure: {
        namespace: String(criteria?.metric_namespace),
        metric: String(criteria?.metric_name),
        dimensions: blocksOf(criteria ?? {}, 'dimension').map((dimension) => String(dimension.name)),
      },
    };
  });
  return [...rules, ...metricAlerts];
}
