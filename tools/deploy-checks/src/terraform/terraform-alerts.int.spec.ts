import { metricNamesOf } from '../prometheus/promql-metrics';
import { ALERTS } from './deployment-conventions';
import { DeclaredAlert, declaredAlerts } from './terraform-alerts';
import { loadTerraformConfig, resourceOf, TerraformConfig } from './terraform-config';

describe('deploy/terraform alerts', () => {
  let config: TerraformConfig;
  let alerts: DeclaredAlert[];

  beforeAll(async () => {
    config = await loadTerraformConfig();
    alerts = declaredAlerts(config);
  });

  it('rules read the monitor workspace managed Prometheus writes to, and every alert notifies the action group', () => {
    expect(resourceOf(config, 'azurerm_monitor_alert_prometheus_rule_group.platform').scopes).toEqual(['${azurerm_monitor_workspace.this.id}']);
    expect(alerts.filter((alert) => alert.actionGroups.join() !== '${azurerm_monitor_action_group.platform.id}').map((alert) => alert.where)).toEqual([]);
  });

  it('each alert names the runbook of one of the conventions\' alerts', () => {
    expect(alerts.filter((alert) => !alert.runbook || !(alert.runbook in ALERTS)).map((alert) => alert.where)).toEqual([]);
  });

  it.each(Object.entries(ALERTS))('%s is declared with the signal the conventions give it', (slug, signal) => {
    const mine = alerts.filter((alert) => alert.runbook === slug);
    if (signal.prometheus) {
      const read = mine.filter((alert) => alert.promql).map((alert) => metricNamesOf(alert.promql!));
      expect(read.some((metrics) => signal.prometheus!.every((metric) => metrics.includes(metric)))).toBe(true);
    }
    if (signal.azure) {
      const { namespace, metric, dimension } = signal.azure;
      expect(mine.map((alert) => alert.azure)).toContainEqual({ namespace, metric, dimensions: dimension ? [dimension] : [] });
    }
    expect(mine.length).toBe((signal.prometheus ? 1 : 0) + (signal.azure ? 1 : 0));
  });
});
