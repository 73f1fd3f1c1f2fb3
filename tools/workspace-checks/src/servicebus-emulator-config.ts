import { ENTITY_SETTINGS, SubscriptionRule, subscriptionRules, TopicSpec } from '@comply/contracts';

/** ISO 8601 duration, as Microsoft's emulator configuration expects ("PT10M"). */
function isoDuration(ms: number): string {
  const seconds = ms / 1000;
  return seconds % 60 === 0 ? `PT${seconds / 60}M` : `PT${seconds}S`;
}

/** A rule in Config.json's shape: SQL filter, or correlation filter on application properties. */
function ruleConfig(rule: SubscriptionRule) {
  const filter = rule.filter;
  return {
    Name: rule.name,
    Properties:
      'sqlExpression' in filter
        ? { FilterType: 'Sql', SqlFilter: { SqlExpression: filter.sqlExpression } }
        : { FilterType: 'Correlation', CorrelationFilter: { Properties: filter.applicationProperties } },
  };
}

/**
 * Config.json for Microsoft's Service Bus emulator (docker-compose.yml): the platform topology
 * from libs/contracts, with the same entity settings as Azure and our own emulator.
 */
export function servicebusEmulatorConfig(topics: readonly TopicSpec[]): string {
  const config = {
    UserConfig: {
      Namespaces: [
        {
          Name: 'sbemulatorns',
          Queues: [],
          Topics: topics.map((topic) => ({
            Name: topic.name,
            Properties: {
              RequiresDuplicateDetection: true,
              DuplicateDetectionHistoryTimeWindow: isoDuration(ENTITY_SETTINGS.duplicateDetectionWindowMs),
            },
            Subscriptions: topic.subscriptions.map((subscription) => ({
              Name: subscription.name,
              Properties: {
                LockDuration: isoDuration(ENTITY_SETTINGS.lockDurationMs),
                MaxDeliveryCount: ENTITY_SETTINGS.maxDeliveryCount,
                DeadLetteringOnMessageExpiration: false,
                RequiresSession: false,
              },
              Rules: subscriptionRules(subscription).map(ruleConfig),
            })),
          })),
        },
      ],
      Logging: { Type: 'File' },
    },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
