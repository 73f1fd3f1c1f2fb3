import { TopicSpec } from '@comply/contracts';
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

  it('gives each subscription one correlation rule per subject, named after the subject, and its delivery settings', () => {
    expect(emulatorTopology(topics).topics![0].subscriptions).toEqual([
      {
        name: 'billing',
        maxDeliveryCount: 10,
        lockDurationMs: 60_000,
        rules: [{ name: 'record.stored.v1', filter: { subject: 'record.stored.v1' } }],
      },
      {
        name: 'backup-worker',
        maxDeliveryCount: 10,
        lockDurationMs: 60_000,
        rules: [
          { name: 'record.stored.v1', filter: { subject: 'record.stored.v1' } },
          { name: 'record.deleted.v1', filter: { subject: 'record.deleted.v1' } },
        ],
      },
    ]);
  });

  it('keeps an empty rule list for a subscription without subjects (no rules would mean: every message)', () => {
    expect(emulatorTopology([{ name: 'mapping-events', publishers: ['external-producers'], subscriptions: [{ name: 'core-store', subjects: [] }] }])
      .topics![0].subscriptions![0].rules).toEqual([]);
  });
});
