import { ServiceBusRuleManager } from '@azure/service-bus';
import Long from 'long';
import { ManualClock } from './testing/manual-clock';
import { peekAll, useEmulator } from './testing/test-client';

const DELAY_MS = 60_000;

describe('$management operations', () => {
  const clock = new ManualClock();
  const bus = useEmulator(
    {
      queues: [{ name: 'peek' }, { name: 'scheduled' }],
      topics: [
        { name: 'ruled', subscriptions: [{ name: 'sub' }, { name: 'sql', rules: [{ name: 'r', filter: { sqlExpression: "priority > 5 AND region IN ('eu', 'us')" } }] }] },
      ],
    },
    clock,
  );

  it('peeks messages in order without locking them, continuing from the last peeked one', async () => {
    const sender = bus.client.createSender('peek');
    await sender.sendMessages([{ body: 1 }, { body: 2 }, { body: 3 }]);
    const receiver = bus.client.createReceiver('peek');
    expect((await receiver.peekMessages(2)).map((m) => m.body)).toEqual([1, 2]);
    expect((await receiver.peekMessages(2)).map((m) => m.body)).toEqual([3]);
    expect(await receiver.peekMessages(2)).toHaveLength(0);
    const fromStart = await receiver.peekMessages(10, { fromSequenceNumber: Long.fromNumber(1) });
    expect(fromStart.map((m) => m.body)).toEqual([1, 2, 3]);
    const all = bus.client.createReceiver('peek', { receiveMode: 'receiveAndDelete' });
    expect((await all.receiveMessages(3, { maxWaitTimeInMs: 2000 })).map((m) => m.body)).toEqual([1, 2, 3]);
    await all.close();
    await receiver.close();
    await sender.close();
  });

  it('schedules messages that appear at the scheduled time, and cancels scheduled ones', async () => {
    const sender = bus.client.createSender('scheduled');
    const at = new Date(clock.now() + DELAY_MS);
    const [keep, cancel] = await sender.scheduleMessages([{ body: 'keep' }, { body: 'cancel' }], at);
    expect(keep.toNumber()).toBeGreaterThan(0);
    const receiver = bus.client.createReceiver('scheduled', { receiveMode: 'receiveAndDelete' });
    expect((await peekAll(receiver)).map((m) => [m.body, m.state])).toEqual([
      ['keep', 'scheduled'],
      ['cancel', 'scheduled'],
    ]);
    await sender.cancelScheduledMessages([cancel]);
    clock.advance(DELAY_MS - 1);
    expect((await peekAll(receiver)).map((m) => [m.body, m.state])).toEqual([['keep', 'scheduled']]);
    clock.advance(1);
    expect((await peekAll(receiver)).map((m) => [m.body, m.state])).toEqual([['keep', 'active']]);
    const [received] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(received.body).toBe('keep');
    expect(received.scheduledEnqueueTimeUtc?.getTime()).toBe(at.getTime());
    expect(await peekAll(receiver)).toHaveLength(0);
    await receiver.close();
    await sender.close();
  });

  it('schedules through a topic with scheduledEnqueueTimeUtc on a normal send', async () => {
    const sender = bus.client.createSender('ruled');
    await sender.sendMessages({ body: 'delayed', scheduledEnqueueTimeUtc: new Date(clock.now() + DELAY_MS) });
    const receiver = bus.client.createReceiver('ruled', 'sub', { receiveMode: 'receiveAndDelete' });
    clock.advance(DELAY_MS - 1);
    expect(await peekAll(receiver)).toHaveLength(0);
    clock.advance(1);
    const [later] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 2000 });
    expect(later.body).toBe('delayed');
    await receiver.close();
    await sender.close();
  });

  it('adds, enumerates and removes rules, and routing follows them', async () => {
    const rules = bus.client.createRuleManager('ruled', 'sub');
    expect((await listRules(rules)).map((r) => [r.name, r.filter])).toEqual([['$Default', { sqlExpression: '1=1' }]]);
    await rules.createRule('created-only', { subject: 'created', applicationProperties: { tenantId: 'a' } });
    await rules.createRule('sql', { sqlExpression: "sys.CorrelationId = 'c9'" });
    await expect(rules.createRule('sql', { sqlExpression: '1=1' })).rejects.toMatchObject({ code: 'MessagingEntityAlreadyExists' });
    await rules.deleteRule('$Default');
    await expect(rules.deleteRule('missing')).rejects.toMatchObject({ code: 'MessagingEntityNotFound' });
    const listed = await listRules(rules);
    expect(listed.map((r) => r.name)).toEqual(['created-only', 'sql']);
    expect(listed[0].filter).toMatchObject({ subject: 'created', applicationProperties: { tenantId: 'a' } });
    expect(listed[1].filter).toEqual({ sqlExpression: "sys.CorrelationId = 'c9'" });

    const sender = bus.client.createSender('ruled');
    await sender.sendMessages([
      { body: 'match', subject: 'created', applicationProperties: { tenantId: 'a' } },
      { body: 'wrong-tenant', subject: 'created', applicationProperties: { tenantId: 'b' } },
      { body: 'sql-match', correlationId: 'c9' },
    ]);
    const receiver = bus.client.createReceiver('ruled', 'sub', { receiveMode: 'receiveAndDelete' });
    const bodies = (await receiver.receiveMessages(10, { maxWaitTimeInMs: 1000 })).map((m) => m.body).sort();
    expect(bodies).toEqual(['match', 'sql-match']);
    await receiver.close();
    await sender.close();
  });

  it('routes with a SQL filter from the topology', async () => {
    const sender = bus.client.createSender('ruled');
    await sender.sendMessages([
      { body: 'yes', applicationProperties: { priority: 7, region: 'eu' } },
      { body: 'low', applicationProperties: { priority: 2, region: 'eu' } },
      { body: 'elsewhere', applicationProperties: { priority: 9, region: 'apac' } },
      { body: 'no-props' },
    ]);
    const receiver = bus.client.createReceiver('ruled', 'sql', { receiveMode: 'receiveAndDelete' });
    const bodies = (await receiver.receiveMessages(10, { maxWaitTimeInMs: 1000 })).map((m) => m.body);
    expect(bodies).toEqual(['yes']);
    await receiver.close();
    await sender.close();
  });
});

async function listRules(rules: ServiceBusRuleManager) {
  const all = [];
  for await (const rule of rules.listRules()) all.push(rule);
  return all;
}
