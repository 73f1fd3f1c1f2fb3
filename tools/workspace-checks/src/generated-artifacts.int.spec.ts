import { workspaceRoot } from '@comply/local-infra';
import { PLATFORM_TOPOLOGY } from '@comply/contracts';
import { configurationTable } from './configuration-table';
import { GENERATED_ARTIFACTS, readCurrent, render } from './generated-artifacts';
import { servicebusEmulatorConfig } from './servicebus-emulator-config';

describe('generated files', () => {
  const root = workspaceRoot(__dirname);

  it.each(GENERATED_ARTIFACTS.map((a) => [`${a.file}${a.marker ? ` (${a.marker})` : ''}`, a] as const))(
    '%s matches the code it is generated from (else run `npm run docs:generate`)',
    (_name, artifact) => {
      const current = readCurrent(root, artifact);
      expect(render(current, artifact)).toBe(current);
    },
  );

  it('lists every service setting with its per-service default', () => {
    const table = configurationTable();
    expect(table).toContain('| `PORT` | each service | `3001` / `3002` / `3003` / `3004` / `3005` |');
    expect(table).toContain('| `DB_USER` | each service | `core_app` / `billing_app` / `analytics_app` / `audit_app` / `backup_app` |');
    expect(table).toMatch(/\| `DB_PASSWORD` \| each service \| — \| .*Secret: never logged\. \|/);
    expect(table).toContain('| `DATABASE_URL` | `npm start`, `npm run migrate` | — |');
  });

  it("gives Microsoft's emulator every subscription, its subject and replay rules, and the shared entity settings", () => {
    const config = JSON.parse(servicebusEmulatorConfig(PLATFORM_TOPOLOGY));
    const [namespace] = config.UserConfig.Namespaces;
    const core = namespace.Topics.find((t: { Name: string }) => t.Name === 'core-events');
    expect(core.Properties).toEqual({ RequiresDuplicateDetection: true, DuplicateDetectionHistoryTimeWindow: 'PT10M' });
    const backup = core.Subscriptions.find((s: { Name: string }) => s.Name === 'backup-worker');
    expect(backup.Properties).toMatchObject({ LockDuration: 'PT1M', MaxDeliveryCount: 10 });
    expect(backup.Rules).toEqual([
      {
        Name: 'record.stored.v1',
        Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: "sys.Label = 'record.stored.v1' AND NOT EXISTS(replayedFor)" } },
      },
      {
        Name: 'record.deleted.v1',
        Properties: { FilterType: 'Sql', SqlFilter: { SqlExpression: "sys.Label = 'record.deleted.v1' AND NOT EXISTS(replayedFor)" } },
      },
      { Name: 'replay', Properties: { FilterType: 'Correlation', CorrelationFilter: { Properties: { replayedFor: 'backup-worker' } } } },
    ]);
    const subscriptions = namespace.Topics.flatMap((t: { Subscriptions: unknown[] }) => t.Subscriptions);
    expect(subscriptions).toHaveLength(PLATFORM_TOPOLOGY.reduce((n, t) => n + t.subscriptions.length, 0));
  });
});
