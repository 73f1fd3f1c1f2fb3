import { PLATFORM_TOPOLOGY } from '@comply/contracts';
import { servicebusEmulatorConfig } from './servicebus-emulator-config';

describe('servicebusEmulatorConfig', () => {
  it("gives Microsoft's emulator every subscription, with its subject and replay rules and the shared entity settings", () => {
    const config = JSON.parse(servicebusEmulatorConfig(PLATFORM_TOPOLOGY));
    const [namespace] = config.UserConfig.Namespaces;
    const core = namespace.Topics.find((t: { Name: string }) => t.Name === 'core-events');
    expect(core.Properties).toEqual({ RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: 'PT10M' });
    const analytics = core.Subscriptions.find((s: { Name: string }) => s.Name === 'analytics-ingest');
    expect(analytics.Properties).toMatchObject({ LockDuration: 'PT1M', MaxDeliveryCount: 10 });
    expect(analytics.Rules).toEqual([
      {
        Name: 'record.stored.v1',
        Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: "sys.Label = 'record.stored.v1' AND NOT EXISTS(replayedFor)" } },
      },
      {
        Name: 'record.deleted.v1',
        Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: "sys.Label = 'record.deleted.v1' AND NOT EXISTS(replayedFor)" } },
      },
      { Name: 'replay', Properties: { FilterType: 'Correlation', CorrelationFilter: { Properties: { replayedFor: 'analytics-ingest' } } } },
    ]);
    const subscriptions = namespace.Topics.flatMap((t: { Subscriptions: unknown[] }) => t.Subscriptions);
    expect(subscriptions).toHaveLength(PLATFORM_TOPOLOGY.reduce((n, t) => n + t.subscriptions.length, 0));
  });
});
