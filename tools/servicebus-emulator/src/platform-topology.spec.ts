import { TopicSpec } from '@comply/contracts';
import type { FilterableMessage } from './filters/filterable-message';
import { SubscriptionRule } from './filters/subscription-rule';
import { emulatorTopology } from './platform-topology';

const topics: readonly TopicSpec[] = [
  {
    name: 'core-events',
    publishers: ['core-store'],
    subscriptions: [
      { name: 'billing', subjects: ['record.stored.v1'] },
      { name: 'backup-worker', subjects: ['record.stored.v1', 'record.deleted.v1'] },
    ],
  },
  { name: 'audit-events', publishers: ['billing'], subscriptions: [{ name: 'audit-writer', subjects: ['audit.event.v1'] }] },
];

const original = (subject: string): FilterableMessage => ({ properties: { subject }, applicationProperties: {} });
const replay = (subject: string, replayedFor: string): FilterableMessage => ({ properties: { subject }, applicationProperties: { replayedFor } });

describe('emulatorTopology', () => {
  it('turns on duplicate detection with a 10-minute window on every topic and creates no queues', () => {
    const result = emulatorTopology(topics);
    expect(result.queues).toBeUndefined();
    expect(result.topics!.map(({ name, requiresDuplicateDetection, duplicateDetectionWindowMs }) => ({
      name,
      requiresDuplicateDetection,
      duplicateDetectionWindowMs,
    }))).toEqual([
      { name: 'core-events', requiresDuplicateDetection: true, duplicateDetectionWindowMs: 600_000 },
      { name: 'audit-events', requiresDuplicateDetection: true, duplicateDetectionWindowMs: 600_000 },
    ]);
  });

  it('gives each subscription a SQL rule per subject that excludes replays, a replay rule for itself, and its delivery settings', () => {
    expect(emulatorTopology(topics).topics![0].subscriptions).toEqual([
      {
        name: 'billing',
        maxDeliveryCount: 10,
        lockDurationMs: 60_000,
        rules: [
          { name: 'record.stored.v1', filter: { sqlExpression: "sys.Label = 'record.stored.v1' AND NOT EXISTS(replayedFor)" } },
          { name: 'replay', filter: { applicationProperties: { replayedFor: 'billing' } } },
        ],
      },
      {
        name: 'backup-worker',
        maxDeliveryCount: 10,
        lockDurationMs: 60_000,
        rules: [
          { name: 'record.stored.v1', filter: { sqlExpression: "sys.Label = 'record.stored.v1' AND NOT EXISTS(replayedFor)" } },
          { name: 'record.deleted.v1', filter: { sqlExpression: "sys.Label = 'record.deleted.v1' AND NOT EXISTS(replayedFor)" } },
          { name: 'replay', filter: { applicationProperties: { replayedFor: 'backup-worker' } } },
        ],
      },
    ]);
  });

  it('routes a published event to every subscription of its subject, and a replay only to the one it names', () => {
    const [billing, backup] = emulatorTopology(topics).topics![0].subscriptions!;
    const receives = (subscription: typeof billing, message: FilterableMessage) =>
      subscription.rules!.some((rule) => SubscriptionRule.fromDefinition(rule).matches(message));
    expect([receives(billing, original('record.stored.v1')), receives(backup, original('record.stored.v1'))]).toEqual([true, true]);
    expect([receives(billing, original('record.deleted.v1')), receives(backup, original('record.deleted.v1'))]).toEqual([false, true]);
    expect([receives(billing, replay('record.stored.v1', 'backup-worker')), receives(backup, replay('record.stored.v1', 'backup-worker'))]).toEqual([
      false,
      true,
    ]);
  });

  it('leaves a subscription without subjects only its replay rule (no rules would mean: every message)', () => {
    expect(emulatorTopology([{ name: 'mapping-events', publishers: ['external-producers'], subscriptions: [{ name: 'core-store', subjects: [] }] }])
      .topics![0].subscriptions![0].rules).toEqual([{ name: 'replay', filter: { applicationProperties: { replayedFor: 'core-store' } } }]);
  });
});
