import { ENTITY_SETTINGS, SubscriptionRule, subscriptionRules, TopicSpec } from '@comply/contracts';

/** ISO 8601 duration, as Azure Resource Manager expects ("PT10M"). */
function isoDuration(ms: number): string {
  const seconds = ms / 1000;
  return seconds % 60 === 0 ? `PT${seconds / 60}M` : `PT${seconds}S`;
}

/** A rule in the shape of `var.servicebus_topology`: a SQL filter, or a correlation filter on application properties. */
function ruleValue(rule: SubscriptionRule) {
  return 'sqlExpression' in rule.filter ? { sql_filter: rule.filter.sqlExpression } : { correlation_properties: rule.filter.applicationProperties };
}

/**
 * deploy/terraform/servicebus-topology.auto.tfvars.json: the platform topology from libs/contracts
 * as the value of `var.servicebus_topology`, keyed by name so that Terraform's `for_each` addresses
 * topics, subscriptions and rules by the names the services use. Publishers are listed so that the
 * role assignments grant "Data Sender" on exactly the topics a service publishes to.
 */
export function servicebusTopologyTfvars(topics: readonly TopicSpec[]): string {
  const tfvars = {
    servicebus_topology: {
      entity_settings: {
        duplicate_detection_history_time_window: isoDuration(ENTITY_SETTINGS.duplicateDetectionWindowMs),
        lock_duration: isoDuration(ENTITY_SETTINGS.lockDurationMs),
        max_delivery_count: ENTITY_SETTINGS.maxDeliveryCount,
      },
      topics: Object.fromEntries(
        topics.map((topic) => [
          topic.name,
          {
            publishers: [...topic.publishers],
            subscriptions: Object.fromEntries(
              topic.subscriptions.map((subscription) => [
                subscription.name,
                { rules: Object.fromEntries(subscriptionRules(subscription).map((rule) => [rule.name, ruleValue(rule)])) },
              ]),
            ),
          },
        ]),
      ),
    },
  };
  return `${JSON.stringify(tfvars, null, 2)}\n`;
}
