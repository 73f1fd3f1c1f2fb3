import { PLATFORM_SERVICES, PLATFORM_TOPOLOGY, subscriptionRules, subscriptionsOf, TOPICS } from './topology';

function duplicates(values: readonly string[]): string[] {
  return values.filter((value, index) => values.indexOf(value) !== index);
}

describe('PLATFORM_TOPOLOGY', () => {
  it('declares every topic of TOPICS exactly once', () => {
    const names = PLATFORM_TOPOLOGY.map((t) => t.name);
    expect(duplicates(names)).toEqual([]);
    expect([...names].sort()).toEqual(Object.values(TOPICS).sort());
  });

  it('has at most one subscription per service on a topic, each with distinct subjects', () => {
    for (const topic of PLATFORM_TOPOLOGY) {
      expect({ topic: topic.name, duplicates: duplicates(topic.subscriptions.map((s) => s.name)) }).toEqual({
        topic: topic.name,
        duplicates: [],
      });
      for (const subscription of topic.subscriptions) {
        expect({ subscription: `${topic.name}/${subscription.name}`, duplicates: duplicates(subscription.subjects) }).toEqual({
          subscription: `${topic.name}/${subscription.name}`,
          duplicates: [],
        });
      }
    }
  });

  it('names every subject <context>.<event>.v<N> and gives every subscription at least one', () => {
    for (const topic of PLATFORM_TOPOLOGY) {
      for (const subscription of topic.subscriptions) {
        expect(subscription.subjects.length).toBeGreaterThan(0);
        for (const subject of subscription.subjects) expect(subject).toMatch(/^[a-z]+(\.[a-z_]+)+\.v\d+$/);
      }
    }
  });

  it('names every subscription after one of the five services', () => {
    const names = PLATFORM_TOPOLOGY.flatMap((t) => t.subscriptions.map((s) => s.name));
    expect(names.filter((name) => !(PLATFORM_SERVICES as readonly string[]).includes(name))).toEqual([]);
  });

  it('never lets a service subscribe to a topic it alone publishes', () => {
    const selfSubscriptions = PLATFORM_TOPOLOGY.filter((t) => t.publishers.length === 1).flatMap((t) =>
      t.subscriptions.filter((s) => s.name === t.publishers[0]).map((s) => `${t.name}/${s.name}`),
    );
    expect(selfSubscriptions).toEqual([]);
  });

  it('gives every topic a publisher and a consumer', () => {
    for (const topic of PLATFORM_TOPOLOGY) {
      expect({ topic: topic.name, publishers: topic.publishers.length > 0, consumers: topic.subscriptions.length > 0 }).toEqual({
        topic: topic.name,
        publishers: true,
        consumers: true,
      });
    }
  });
});

describe('subscriptionsOf', () => {
  it('returns exactly the three subscriptions of core-store, with their topics', () => {
    expect(subscriptionsOf('core-store')).toEqual([
      { topic: 'mapping-events', name: 'core-store', subjects: ['mapping.result.v1', 'mapping.batch.v1'] },
      { topic: 'billing-events', name: 'core-store', subjects: ['billing.quota.changed.v1'] },
      { topic: 'backup-events', name: 'core-store', subjects: ['backup.completed.v1', 'backup.failed.v1'] },
    ]);
  });
});

describe('subscriptionRules', () => {
  it('admits each subject unless the message is a replay, and replays addressed to the subscription', () => {
    expect(subscriptionRules({ name: 'backup-worker', subjects: ['record.stored.v1', 'record.deleted.v1'] })).toEqual([
      { name: 'record.stored.v1', filter: { sqlExpression: "sys.Label = 'record.stored.v1' AND NOT EXISTS(replayedFor)" } },
      { name: 'record.deleted.v1', filter: { sqlExpression: "sys.Label = 'record.deleted.v1' AND NOT EXISTS(replayedFor)" } },
      { name: 'replay', filter: { applicationProperties: { replayedFor: 'backup-worker' } } },
    ]);
  });

  it('gives rule names that Azure and Microsoft\'s emulator accept (1-50 characters, letters, digits, . - _ /)', () => {
    const names = PLATFORM_TOPOLOGY.flatMap((t) => t.subscriptions.flatMap((s) => subscriptionRules(s).map((r) => r.name)));
    expect(names.filter((name) => !/^[A-Za-z0-9]([\w.\-/]{0,48}[A-Za-z0-9])?$/.test(name))).toEqual([]);
  });
});
