import { Client } from 'pg';
import { CoreStoreTestApp, startCoreStoreTestApp } from '../testing/core-store-test-app';
import { PartitionMaintenance } from './partition-maintenance';

/** storage_records_pYYYYMM of the month `offset` months from now (UTC). */
function partitionName(offset: number): string {
  const now = new Date();
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
  return `storage_records_p${month.toISOString().slice(0, 7).replace('-', '')}`;
}

describe('PartitionMaintenance', () => {
  let app: CoreStoreTestApp;

  beforeAll(async () => {
    // More than the migration's three months ahead, so only the job can have created the rest.
    app = await startCoreStoreTestApp({ env: { PARTITION_MONTHS_AHEAD: '6' } });
  });

  afterAll(async () => {
    await app?.close();
  });

  const partitions = async () =>
    (
      await app.sql<{ relname: string }>(
        `select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'storage_records'::regclass order by c.relname`,
      )
    ).map((row) => row.relname);

  it('has created, by the time the service is up, monthly partitions from last month through PARTITION_MONTHS_AHEAD months ahead', async () => {
    const expected = [-1, 0, 1, 2, 3, 4, 5, 6].map(partitionName);
    expect(await partitions()).toEqual(expect.arrayContaining(expected));
    expect(await partitions()).not.toContain(partitionName(7));
  });

  it('creates nothing when every partition exists', async () => {
    const before = await partitions();
    expect(await app.service.app.get(PartitionMaintenance).runOnce()).toEqual({ skipped: false, created: [] });
    expect(await partitions()).toEqual(before);
  });

  it('creates the partitions a later date needs, and reports them', async () => {
    const result = await app.service.app.get(PartitionMaintenance).runOnce(new Date(Date.UTC(2031, 5, 10)));
    expect(result.created).toEqual([
      'storage_records_p203105',
      'storage_records_p203106',
      'storage_records_p203107',
      'storage_records_p203108',
      'storage_records_p203109',
      'storage_records_p203110',
      'storage_records_p203111',
      'storage_records_p203112',
    ]);
    expect(await partitions()).toEqual(expect.arrayContaining(result.created));
  });

  it('leaves the work to the replica that holds the lock', async () => {
    const replica = new Client({ connectionString: app.database.adminUrl });
    await replica.connect();
    try {
      await replica.query('begin');
      await replica.query(`select pg_advisory_xact_lock(hashtextextended('core-store:partition-maintenance', 0))`);
      const result = await app.service.app.get(PartitionMaintenance).runOnce(new Date(Date.UTC(2035, 0, 10)));
      expect(result).toEqual({ skipped: true, created: [] });
      expect(await partitions()).not.toContain('storage_records_p203501');
    } finally {
      await replica.end();
    }
  });
});
