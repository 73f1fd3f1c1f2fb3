import { reconcile, reconciliationTable, type ChainVerdict, type LeftOnSubscriptions, type PlatformCounts, type TenantCounts } from './reconciliation';

function tenantCounts(stored: Record<string, number>, downstream: number): TenantCounts {
  return {
    storedByRequest: new Map(Object.entries(stored)),
    backedUp: downstream,
    metered: downstream,
    analyticsHourly: downstream,
    analyticsDaily: downstream,
    auditedRecordIds: downstream,
    auditedDistinct: downstream,
  };
}

const intact = (log: string): ChainVerdict => ({ log, intact: true, empty: false, entriesChecked: 3, detail: '200' });
const nothingLeft: LeftOnSubscriptions = { deadLetters: [], unconsumed: {} };
const emptyPlatform: ChainVerdict = { log: 'platform', intact: false, empty: true, entriesChecked: 0, detail: '404' };

describe('reconciliation', () => {
  it('finds nothing when every published mapping is stored once and counted once everywhere', () => {
    const counts: PlatformCounts = { tenants: new Map([['t1', tenantCounts({ a: 1, b: 1 }, 2)]]), outboxPending: { 'core-store': 0 } };
    const result = reconcile(new Map([['a', 't1'], ['b', 't1']]), new Map(), counts, [intact('t1'), emptyPlatform], nothingLeft);
    expect(result.findings).toEqual([]);
    const table = reconciliationTable(7, result);
    expect(table).toContain('FAULT_SEED=7');
    expect(table).toMatch(/\| t1 +\| 2 +\| 0 +\| 2 +\| 0 +\| 0 +\| 2 .*\| 2 +\|$/m);
    expect(table).toContain('platform log empty');
  });

  it('names the lost, the doubled, the unknown, counts that differ, broken chains, unsent rows, dead letters and messages never consumed', () => {
    const counts: PlatformCounts = { tenants: new Map([['t1', tenantCounts({ a: 2, x: 1 }, 2)]]), outboxPending: { billing: 3 } };
    const broken: ChainVerdict = { log: 't1', intact: false, empty: false, entriesChecked: 2, detail: '200 {"intact":false}' };
    const result = reconcile(
      new Map([['a', 't1'], ['b', 't1']]),
      new Map(),
      counts,
      [broken, intact('platform')],
      {
        deadLetters: [{ entity: 'core-events/billing', reason: 'InvalidData', description: 'SQLSTATE 22P02', count: 4, messageIds: ['m1', 'm2', 'm3', 'm4'] }],
        unconsumed: { 'mapping-events/core-store': 12 },
      },
    );
    expect(result.findings).toEqual([
      'tenant t1: 1 published mapping(s) not stored (lost): b',
      'tenant t1: 1 request id(s) stored more than once: a ×2',
      'tenant t1: 1 record(s) under request ids never sent: x',
      'tenant t1: billing metered 2 records, core stored 3',
      'tenant t1: analytics hourly rollups count 2 stored, core stored 3',
      'tenant t1: analytics daily rollups count 2 stored, core stored 3',
      'tenant t1: audit record.create entries name 2 record ids (2 distinct), core stored 3',
      'tenant t1: a completed backup of core marks 2 records backed up, core stored 3',
      'tenant t1: audit chain does not verify: 200 {"intact":false}',
      'billing: 3 outbox row(s) never sent',
      '4 dead letter(s) on core-events/billing: InvalidData SQLSTATE 22P02',
      '12 message(s) never consumed from mapping-events/core-store',
    ]);
    expect(reconciliationTable(7, result)).toContain('messages never consumed: mapping-events/core-store 12');
  });

  it('accepts an unconfirmed send stored or not, and holds the platform log to verifying once it has entries', () => {
    const counts: PlatformCounts = { tenants: new Map([['t1', tenantCounts({ a: 1, u: 1 }, 2)]]), outboxPending: {} };
    const brokenPlatform: ChainVerdict = { log: 'platform', intact: false, empty: false, entriesChecked: 1, detail: '200 {"intact":false}' };
    const result = reconcile(new Map([['a', 't1']]), new Map([['u', 't1'], ['v', 't1']]), counts, [intact('t1'), brokenPlatform], nothingLeft);
    expect(result.findings).toEqual(['platform audit log does not verify: 200 {"intact":false}']);
  });
});
