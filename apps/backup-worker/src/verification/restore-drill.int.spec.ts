import { BlobStore } from '@comply/blob-storage';
import { backupVerification, backupVerificationList, type BackupVerification } from '@comply/contracts';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { testBlobConnectionString } from '@comply/testing';
import { randomUUID } from 'node:crypto';
import { BackupWorkerConfig } from '../backup-worker-settings';
import { BackupRunner } from '../backups/backup-runner';
import { BackupRunRow } from '../database/schema';
import { BackupWorkerTestApp, startBackupWorkerTestApp } from '../testing/backup-worker-test-app';
import { DrillSchedule } from './drill-schedule';

const INTEGRITY_FAILURES = ['ChecksumMismatch', 'Truncated', 'Tampered'];

describe('restore drills', () => {
  let app: BackupWorkerTestApp;
  let blobs: BlobStore;
  let good: BackupRunRow;

  const verify = (id: string) => app.admin('POST', `/v1/backups/${id}/verify`);
  const databaseExists = async (name: string) => (await app.sql(`select 1 from pg_database where datname = $1`, [name])).length > 0;

  /** A completed run in the catalog whose blob is `bytes` under another name: what storage would hand back after corruption. */
  async function runWithBlob(bytes: Buffer): Promise<string> {
    const id = randomUUID();
    const name = `backups/core/corrupted/${id}.cbk`;
    await blobs.putIfAbsent(name, bytes);
    await app.sql(
      `insert into backup_runs (id, database, status, trigger, started_at, completed_at, snapshot_at, covers_transactions_before, blob_container, blob_name, size_bytes, checksum, manifest, host)
       select $1, database, 'completed', trigger, started_at - interval '1 minute', completed_at, snapshot_at, covers_transactions_before, blob_container, $2, size_bytes, checksum, manifest, host
         from backup_runs where id = $3`,
      [id, name, good.id],
    );
    return id;
  }

  beforeAll(async () => {
    app = await startBackupWorkerTestApp();
    blobs = BlobStore.fromConnectionString(testBlobConnectionString(), app.service.app.get<BackupWorkerConfig>(SERVICE_CONFIG).BLOB_CONTAINER);
    await app.seedCore('drill-tenant', 200);
    const started = await app.service.app.get(BackupRunner).start('core', { trigger: 'cli' });
    good = (await started?.done) as BackupRunRow;
    expect(good.status).toBe('completed');
  }, 120_000);

  afterAll(() => app?.close(), 60_000);

  it('passes for a good backup: every table equal, restore time recorded, scratch database dropped', async () => {
    const response = await verify(good.id);
    expect(response.status).toBe(200);
    const result = backupVerification.parse(response.body);
    expect(result).toMatchObject({ backupId: good.id, status: 'passed', error: null });
    expect(result.scratchDatabase).toMatch(/^core_drill_[0-9a-f]{8}$/);
    expect(result.restoreDurationMs).toBeGreaterThanOrEqual(0);
    expect(result.tables.length).toBe(good.manifest?.tables.length);
    expect(result.tables.every((table) => table.matches)).toBe(true);
    expect(result.tables.find((table) => table.name === 'public.storage_records')).toMatchObject({ expectedRows: 200, actualRows: 200 });
    expect(await databaseExists(result.scratchDatabase)).toBe(false);

    const audit = await app.auditOf(response);
    expect(audit.map((row) => [row.body.action, row.body.outcome, row.body.resource])).toEqual([['backup.verify', 'success', { type: 'backup', id: good.id }]]);
    const run = await app.admin('GET', `/v1/backups/${good.id}`);
    expect(run.body.lastVerification).toEqual({ id: result.id, status: 'passed', completedAt: result.completedAt });
  }, 60_000);

  it.each([
    ['one byte flipped', (blob: Buffer) => Buffer.concat([blob.subarray(0, blob.length >> 1), Buffer.from([blob[blob.length >> 1] ^ 0x01]), blob.subarray((blob.length >> 1) + 1)])],
    ['truncated', (blob: Buffer) => blob.subarray(0, Math.floor(blob.length * 0.6))],
  ])('fails for a blob with %s, records why, and drops the scratch database', async (_, corrupt) => {
    const id = await runWithBlob(corrupt((await blobs.get(good.blobName)) as Buffer));
    const response = await verify(id);
    expect(response.status).toBe(200);
    const result: BackupVerification = backupVerification.parse(response.body);
    expect(result.status).toBe('failed');
    expect(INTEGRITY_FAILURES).toContain(result.error?.code);
    expect(await databaseExists(result.scratchDatabase)).toBe(false);
    const listed = backupVerificationList.parse((await app.admin('GET', `/v1/backups/${id}/verifications`)).body);
    expect(listed.verifications.map((v) => [v.id, v.status])).toEqual([[result.id, 'failed']]);
    expect((await app.auditOf(response)).map((row) => row.body.outcome)).toEqual(['failure']);
  }, 60_000);

  it('fails with BlobMissing when the blob is gone', async () => {
    const id = randomUUID();
    await app.sql(
      `insert into backup_runs (id, database, status, trigger, started_at, completed_at, covers_transactions_before, blob_container, blob_name, size_bytes, checksum, manifest, host)
       select $1, database, 'completed', trigger, started_at - interval '2 minutes', completed_at, covers_transactions_before, blob_container, 'backups/core/gone.cbk', size_bytes, checksum, manifest, host
         from backup_runs where id = $2`,
      [id, good.id],
    );
    const result = backupVerification.parse((await verify(id)).body);
    expect(result).toMatchObject({ status: 'failed', error: { code: 'BlobMissing' }, restoreDurationMs: null, tables: [] });
  }, 60_000);

  it('counts failed drills in the metrics', async () => {
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.body).toMatch(/backup_verification_failures_total\{[^}]*database="core"/);
    expect(metrics.body).toMatch(/backup_last_verified_age_seconds\{[^}]*database="core"[^}]*\} \d/);
    expect(metrics.body).toMatch(/backup_restore_drill_duration_seconds_count\{[^}]*outcome="passed"/);
  });

  it('refuses to drill a run that is not completed', async () => {
    const id = randomUUID();
    await app.sql(
      `insert into backup_runs (id, database, status, trigger, started_at, completed_at, blob_container, blob_name, error_code, error_message, host)
       values ($1, 'core', 'failed', 'cli', now(), now(), 'c', 'backups/core/f.cbk', 'DumpFailed', 'x', 'h')`,
      [id],
    );
    expect((await verify(id)).status).toBe(409);
  });

  it('the schedule drills the newest backup of each database that no drill has seen', async () => {
    const started = await app.service.app.get(BackupRunner).start('core', { trigger: 'cli' });
    const newest = (await started?.done) as BackupRunRow;
    const schedule = app.service.app.get(DrillSchedule);
    expect(await schedule.run()).toBe(1);
    const [row] = await app.sql(`select status from backup_verifications where run_id = $1`, [newest.id]);
    expect(row).toEqual({ status: 'passed' });
    expect(await schedule.run()).toBe(0);
  }, 60_000);
});
