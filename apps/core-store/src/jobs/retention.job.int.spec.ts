import type { Cache } from '@comply/cache';
import { until } from '@comply/testing';
import { Client } from 'pg';
import { recordCacheKey } from '../cache/record-cache-key';
import { RECORD_CACHE } from '../cache/record-cache.module';
import { CoreStoreTestApp, startCoreStoreTestApp } from '../testing/core-store-test-app';
import { InsertedRecord, insertRecord } from '../testing/record-fixtures';
import { RetentionJob } from './retention.job';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A record stored ten days ago whose retention ran out an hour ago. */
const expired = (app: CoreStoreTestApp, tenantId: string) =>
  insertRecord(app, tenantId, { storedAtMs: Date.now() - 10 * DAY_MS, expiresAt: new Date(Date.now() - HOUR_MS) });
/** A record stored ten days ago that is kept for another year. */
const live = (app: CoreStoreTestApp, tenantId: string) => insertRecord(app, tenantId, { storedAtMs: Date.now() - 10 * DAY_MS });

async function insertMany(count: number, insert: () => Promise<InsertedRecord>): Promise<InsertedRecord[]> {
  const records: InsertedRecord[] = [];
  for (let i = 0; i < count; i++) records.push(await insert());
  return records;
}

const ids = (records: InsertedRecord[]) => records.map((r) => r.id).sort();

describe('RetentionJob', () => {
  let app: CoreStoreTestApp;
  let job: RetentionJob;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ env: { RETENTION_BATCH_SIZE: '3', RETENTION_INTERVAL_MS: String(DAY_MS) } });
    job = app.service.app.get(RetentionJob);
    // The tests drive runs themselves.
    await job.stop();
  });

  afterAll(async () => {
    await app?.close();
  });

  const recordIdsOf = async (tenantId: string) =>
    (await app.sql<{ id: string }>(`select id from storage_records where tenant_id = $1 order by id`, [tenantId])).map((r) => r.id);
  const ledgerOf = async (tenantId: string) =>
    (await app.sql<{ record_id: string }>(`select record_id from storage_record_keys where tenant_id = $1 order by record_id`, [tenantId])).map(
      (r) => r.record_id,
    );
  // The service's own events: fixtures written as the superuser are changes the database itself audits (path "database").
  const eventsOf = async (subject: string, tenantId: string) =>
    (await app.outbox(subject)).filter((row) => row.tenant_id === tenantId && row.body.details?.path !== 'database');
  const expiredMetric = async () => {
    const metrics = await app.request<string>('GET', '/metrics');
    return Number(/^core_records_expired_total\{reason="retention",service="core-store"\} (\d+)$/m.exec(metrics.body)?.[1] ?? 0);
  };

  it('deletes only expired records, tenant by tenant in batches, with one record.deleted.v1 per record and one audit event per batch', async () => {
    await app.createTenant('ret-a');
    await app.createTenant('ret-b');
    const expiredA = await insertMany(7, () => expired(app, 'ret-a'));
    const liveA = await insertMany(2, () => live(app, 'ret-a'));
    const expiredB = await insertMany(2, () => expired(app, 'ret-b'));
    const liveB = await insertMany(1, () => live(app, 'ret-b'));
    const metricBefore = await expiredMetric();

    const result = await job.runOnce();

    expect(result).toEqual({ skipped: false, deleted: { retention: 9, tenant_erasure: 0 }, partitionsDropped: [], failedTenants: [] });
    expect(await recordIdsOf('ret-a')).toEqual(ids(liveA));
    expect(await recordIdsOf('ret-b')).toEqual(ids(liveB));

    const deletedA = await eventsOf('record.deleted.v1', 'ret-a');
    expect(deletedA.map((e) => e.body.recordId).sort()).toEqual(ids(expiredA));
    expect(deletedA.every((e) => e.body.reason === 'retention' && e.body.tenantId === 'ret-a')).toBe(true);
    const deletedB = await eventsOf('record.deleted.v1', 'ret-b');
    expect(deletedB.map((e) => e.body.recordId).sort()).toEqual(ids(expiredB));

    // Batches of 3: 3 + 3 + 1 for ret-a, 2 for ret-b.
    const auditA = await eventsOf('audit.event.v1', 'ret-a');
    expect(auditA.map((e) => e.body.details.count).sort()).toEqual([1, 3, 3]);
    expect(auditA[0].body).toMatchObject({ actor: { type: 'system', id: 'retention' }, action: 'record.expire', resource: { type: 'record' } });
    expect((await eventsOf('audit.event.v1', 'ret-b')).map((e) => e.body.details.count)).toEqual([2]);

    // One correlation id ties the whole run together.
    expect(new Set([...deletedA, ...deletedB, ...auditA].map((e) => e.correlation_id)).size).toBe(1);
    expect(await expiredMetric()).toBe(metricBefore + 9);
  });

  it('removes the ledger rows of expired records and keeps those of live ones', async () => {
    await app.createTenant('ledger-a');
    const gone = await expired(app, 'ledger-a');
    const kept = await live(app, 'ledger-a');
    // A ledger row that outlived its record (deleted on request) until its own expiry.
    await app.sql(`delete from storage_records where id = $1`, [gone.id]);

    await job.runOnce();

    expect(await ledgerOf('ledger-a')).toEqual([kept.id]);
  });

  it('evicts deleted records from the cache', async () => {
    await app.createTenant('cache-a');
    const record = await expired(app, 'cache-a');
    const cache = app.service.app.get<Cache>(RECORD_CACHE);
    await cache.set(recordCacheKey('cache-a', record.id), { id: record.id }, 60_000);

    await job.runOnce();

    expect(await cache.get(recordCacheKey('cache-a', record.id))).toBeUndefined();
  });

  it('deletes nothing and emits nothing when run again', async () => {
    await app.createTenant('again-a');
    await insertMany(4, () => expired(app, 'again-a'));
    const first = await job.runOnce();
    expect(first.deleted.retention).toBe(4);
    const outboxSize = (await app.outbox()).length;

    const second = await job.runOnce();

    expect(second.deleted).toEqual({ retention: 0, tenant_erasure: 0 });
    expect((await app.outbox()).length).toBe(outboxSize);
  });

  it('purges every record, ledger row and usage row of an erased tenant, and leaves other tenants alone', async () => {
    await app.createTenant('erased-x');
    await app.createTenant('kept-y');
    const erasedRecords = [...(await insertMany(4, () => live(app, 'erased-x'))), await expired(app, 'erased-x')];
    const keptRecords = await insertMany(2, () => live(app, 'kept-y'));
    await app.sql(`insert into tenant_usage (tenant_id, month, records) values ('erased-x', '2026-11', 5), ('kept-y', '2026-11', 2)`);
    await app.sql(`update tenants set status = 'erased' where id = 'erased-x'`);

    const result = await job.runOnce();

    expect(result.deleted).toEqual({ retention: 0, tenant_erasure: 5 });
    expect(await recordIdsOf('erased-x')).toEqual([]);
    expect(await ledgerOf('erased-x')).toEqual([]);
    expect(await app.sql(`select tenant_id from tenant_usage where tenant_id = 'erased-x'`)).toEqual([]);
    // The tombstone of the erasure stays.
    expect(await app.sql(`select id, status from tenants where id = 'erased-x'`)).toEqual([{ id: 'erased-x', status: 'erased' }]);
    expect(await app.sql(`select tenant_id from tenant_configs where tenant_id = 'erased-x'`)).toHaveLength(1);

    const deletions = await eventsOf('record.deleted.v1', 'erased-x');
    expect(deletions.map((e) => e.body.recordId).sort()).toEqual(ids(erasedRecords));
    expect(deletions.every((e) => e.body.reason === 'tenant_erasure')).toBe(true);
    const audits = await eventsOf('audit.event.v1', 'erased-x');
    expect(audits.map((e) => [e.body.action, e.body.details.count]).sort()).toEqual([
      ['record.erase', 2],
      ['record.erase', 3],
    ]);

    expect(await recordIdsOf('kept-y')).toEqual(ids(keptRecords));
    expect(await ledgerOf('kept-y')).toEqual(ids(keptRecords));
    expect(await app.sql(`select records from tenant_usage where tenant_id = 'kept-y'`)).toEqual([{ records: 2 }]);
  });

  it('drops a past month partition it emptied and keeps a past one that still holds a live record', async () => {
    await app.createTenant('old-a');
    await app.sql(`select core_ensure_storage_partitions('2020-01-01', 2)`);
    await insertRecord(app, 'old-a', { storedAtMs: Date.parse('2020-01-15T12:00:00Z'), expiresAt: new Date('2020-02-15T12:00:00Z') });
    const survivor = await insertRecord(app, 'old-a', { storedAtMs: Date.parse('2020-02-15T12:00:00Z'), expiresAt: new Date('2099-01-01T00:00:00Z') });

    const result = await job.runOnce();

    expect(result.deleted.retention).toBe(1);
    expect(result.partitionsDropped).toEqual(['storage_records_p202001']);
    const partitions = await app.sql<{ relname: string }>(
      `select relname from pg_class where relname in ('storage_records_p202001', 'storage_records_p202002') order by relname`,
    );
    expect(partitions.map((p) => p.relname)).toEqual(['storage_records_p202002']);
    expect(await recordIdsOf('old-a')).toEqual([survivor.id]);
  });

  it('does nothing while another replica holds the retention lock', async () => {
    await app.createTenant('locked-a');
    const record = await expired(app, 'locked-a');
    const replica = new Client({ connectionString: app.database.adminUrl });
    await replica.connect();
    try {
      await replica.query('begin');
      await replica.query(`select pg_advisory_xact_lock(hashtextextended('core-store:retention', 0))`);

      const blocked = await job.runOnce();

      expect(blocked).toEqual({ skipped: true, deleted: { retention: 0, tenant_erasure: 0 }, partitionsDropped: [], failedTenants: [] });
      expect(await recordIdsOf('locked-a')).toEqual([record.id]);
      await replica.query('commit');
    } finally {
      await replica.end();
    }

    expect((await job.runOnce()).deleted.retention).toBe(1);
    expect(await recordIdsOf('locked-a')).toEqual([]);
  });
});

describe('RetentionJob schedule', () => {
  let app: CoreStoreTestApp;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ env: { RETENTION_INTERVAL_MS: '1000' } });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('runs by itself every RETENTION_INTERVAL_MS', async () => {
    await app.createTenant('scheduled-a');
    const record = await expired(app, 'scheduled-a');
    const left = await until(
      async () => (await app.sql<{ id: string }>(`select id from storage_records where tenant_id = 'scheduled-a'`)).map((r) => r.id),
      (ids) => ids.length === 0,
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(left).toEqual([]);
    expect((await app.outbox('record.deleted.v1')).map((e) => e.body.recordId)).toEqual([record.id]);
  });
});
