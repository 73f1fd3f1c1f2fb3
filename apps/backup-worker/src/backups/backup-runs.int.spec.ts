import { BlobStore } from '@comply/blob-storage';
import { backupCompletedV1, backupFailedV1 } from '@comply/contracts';
import type { KeyEncryptionKey } from '@comply/crypto';
import { freePort } from '@comply/local-infra';
import type { Logger } from '@comply/observability';
import { DATABASE_CLIENT, LOGGER, SERVICE_CONFIG } from '@comply/service-runtime';
import { testBlobConnectionString } from '@comply/testing';
import { createHash, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { BackupWorkerConfig } from '../backup-worker-settings';
import { BackupCatalogRepository } from '../catalog/backup-catalog.repository';
import { CatalogDatabase } from '../database/backup-database';
import { lockName, RunLocks } from '../database/run-lock';
import { BackupRunRow } from '../database/schema';
import { KEY_ENCRYPTION_KEY } from '../keys/key-encryption-key.provider';
import { BackupMetrics } from '../metrics/backup-metrics';
import { BackupRetention } from '../retention/backup-retention';
import type { SnapshotManifest } from '../snapshot/snapshot-manifest';
import { BackupWorkerTestApp, startBackupWorkerTestApp } from '../testing/backup-worker-test-app';
import { BackupBlobs, manifestBlobName } from './backup-blobs';
import { BackupRunner } from './backup-runner';

const RECORDS = 120;

describe('backup runs', () => {
  let app: BackupWorkerTestApp;
  let runner: BackupRunner;
  let blobs: BlobStore;
  let first: BackupRunRow;

  const backUp = async (using = runner): Promise<BackupRunRow> => {
    const started = await using.start('core', { trigger: 'cli' });
    if (!started) throw new Error('the lock was taken');
    return started.done;
  };
  const outboxOf = async (subject: string, backupId: string) => (await app.outbox(subject)).filter((row) => row.body.backupId === backupId);

  /** The same runner as the service's, but writing to a blob endpoint where nothing listens. */
  async function runnerWithUnreachableBlobs(): Promise<BackupRunner> {
    const nest = app.service.app;
    const config = nest.get<BackupWorkerConfig>(SERVICE_CONFIG);
    const endpoint = /BlobEndpoint=(https?:\/\/[^;/]+)/.exec(testBlobConnectionString())?.[1] as string;
    const unreachable = BlobStore.fromConnectionString(testBlobConnectionString().replace(endpoint, `http://127.0.0.1:${await freePort()}`), config.BLOB_CONTAINER);
    return new BackupRunner(
      nest.get<CatalogDatabase>(DATABASE_CLIENT),
      config,
      nest.get<Logger>(LOGGER),
      nest.get<KeyEncryptionKey>(KEY_ENCRYPTION_KEY),
      nest.get(BackupCatalogRepository),
      new BackupBlobs(unreachable),
      nest.get(RunLocks),
      nest.get(BackupMetrics),
    );
  }

  beforeAll(async () => {
    app = await startBackupWorkerTestApp();
    runner = app.service.app.get(BackupRunner);
    blobs = BlobStore.fromConnectionString(testBlobConnectionString(), app.service.app.get<BackupWorkerConfig>(SERVICE_CONFIG).BLOB_CONTAINER);
    await app.seedCore('backup-tenant', RECORDS);
    first = await backUp();
  }, 120_000);

  afterAll(() => app?.close(), 60_000);

  it('completes: the run row, the blob and its manifest, and backup.completed.v1 in the outbox', async () => {
    expect(first).toMatchObject({ status: 'completed', database: 'core', errorCode: null });
    expect(first.blobName).toMatch(new RegExp(`^backups/core/\\d{4}/\\d{2}/\\d{2}/${first.id}\\.cbk$`));
    const manifest = first.manifest as SnapshotManifest;
    expect(manifest.tables.find((table) => table.name === 'public.storage_records')?.rows).toBe(RECORDS);
    expect(manifest.tables.find((table) => table.name === 'public.tenants')?.rows).toBe(1);

    const blob = (await blobs.get(first.blobName)) as Buffer;
    expect(blob.length).toBe(first.sizeBytes);
    expect(`sha256:${createHash('sha256').update(blob).digest('hex')}`).toBe(first.checksum);
    expect(blob.includes(Buffer.from('presidio'))).toBe(false);
    expect(blob.includes(Buffer.from('backup-tenant'))).toBe(false);
    const stored = JSON.parse(((await blobs.get(manifestBlobName(first.blobName))) as Buffer).toString('utf8'));
    expect(stored).toEqual(manifest);

    const [event] = await outboxOf('backup.completed.v1', first.id);
    expect(backupCompletedV1.parse(event.body)).toEqual({
      backupId: first.id,
      database: 'core',
      blob: { container: first.blobContainer, name: first.blobName },
      startedAt: new Date(manifest.coversTransactionsBefore).toISOString(),
      completedAt: first.completedAt?.toISOString(),
      sizeBytes: first.sizeBytes,
      checksum: first.checksum,
    });
    expect(new Date(manifest.coversTransactionsBefore).getTime()).toBeLessThanOrEqual(new Date(manifest.snapshotAt).getTime());
  });

  it('lets one of two concurrent runs of a database go and skips the other', async () => {
    const [a, b] = await Promise.all([runner.start('core', { trigger: 'cli' }), runner.start('core', { trigger: 'cli' })]);
    const started = [a, b].filter((run) => run !== undefined);
    expect(started).toHaveLength(1);
    expect((await started[0]?.done)?.status).toBe('completed');
  });

  it('skips while another worker holds the lock, over HTTP too (409)', async () => {
    const other = new Client({ connectionString: app.database.adminUrl });
    await other.connect();
    try {
      await other.query(`select pg_advisory_lock(hashtext($1))`, [lockName('core')]);
      expect(await runner.start('core', { trigger: 'schedule' })).toBeUndefined();
      const refused = await app.admin('POST', '/v1/backups', { database: 'core' });
      expect(refused.status).toBe(409);
      expect(refused.body.message).toContain('in progress');
    } finally {
      await other.end();
    }
  });

  it('marks a run a killed worker left running as failed (Abandoned) when it next takes the lock', async () => {
    const abandoned = randomUUID();
    await app.sql(
      `insert into backup_runs (id, database, status, trigger, started_at, blob_container, blob_name, host)
       values ($1, 'core', 'running', 'schedule', now() - interval '1 hour', 'c', 'backups/core/x.cbk', 'gone-host')`,
      [abandoned],
    );
    expect((await backUp()).status).toBe('completed');
    const [row] = await app.sql(`select status, error_code, completed_at from backup_runs where id = $1`, [abandoned]);
    expect(row).toMatchObject({ status: 'failed', error_code: 'Abandoned' });
    const [event] = await outboxOf('backup.failed.v1', abandoned);
    expect(backupFailedV1.parse(event.body)).toMatchObject({ backupId: abandoned, database: 'core', error: { code: 'Abandoned' } });
  });

  it('fails visibly when blob storage is unreachable, marks nothing completed, and the next run succeeds', async () => {
    const failed = await backUp(await runnerWithUnreachableBlobs());
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'BlobWriteFailed', checksum: null, manifest: null });
    expect(failed.errorMessage).toMatch(/^blob storage: /);
    expect(await blobs.get(failed.blobName)).toBeUndefined();
    expect(await outboxOf('backup.completed.v1', failed.id)).toEqual([]);
    const [event] = await outboxOf('backup.failed.v1', failed.id);
    expect(backupFailedV1.parse(event.body)).toMatchObject({ backupId: failed.id, error: { code: 'BlobWriteFailed' }, startedAt: failed.startedAt.toISOString() });
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.body).toMatch(/backup_failures_total\{[^}]*database="core"[^}]*code="BlobWriteFailed"[^}]*\} 1/);

    expect((await backUp()).status).toBe('completed');
  }, 120_000);

  it('refuses to change what a completed run recorded', async () => {
    await expect(app.sql(`update backup_runs set checksum = $2 where id = $1`, [first.id, `sha256:${'0'.repeat(64)}`])).rejects.toThrow(/keeps what it recorded/);
    await expect(app.sql(`update backup_runs set status = 'running' where id = $1`, [first.id])).rejects.toThrow(/keeps what it recorded/);
  });

  it('deletes the blobs of completed backups past retention and expires them, keeping the newest verified one and the newest one', async () => {
    const copyOfFirst = async (daysAgo: number) => {
      const id = randomUUID();
      const blobName = `backups/core/copies/${id}.cbk`;
      await blobs.putIfAbsent(blobName, 'ciphertext');
      await blobs.putIfAbsent(manifestBlobName(blobName), '{}');
      await app.sql(
        `insert into backup_runs (id, database, status, trigger, started_at, completed_at, covers_transactions_before, blob_container, blob_name, size_bytes, checksum, manifest, host)
         select $1, database, 'completed', trigger, now() - make_interval(days => $3), now() - make_interval(days => $3), covers_transactions_before, blob_container, $4, size_bytes, checksum, manifest, host
           from backup_runs where id = $2`,
        [id, first.id, daysAgo, blobName],
      );
      return { id, blobName };
    };
    const [oldest, verified, old, recent] = [await copyOfFirst(100), await copyOfFirst(90), await copyOfFirst(80), await copyOfFirst(6)];
    await app.sql(
      `insert into backup_verifications (id, run_id, status, started_at, scratch_database, tables, host) values ($1, $2, 'passed', now(), 'core_drill_x', '[]', 'h')`,
      [randomUUID(), verified.id],
    );
    const expired = await app.service.app.get(BackupRetention).run();
    expect(expired.map((run) => run.id).sort()).toEqual([oldest.id, old.id].sort());
    const statuses = await app.sql(`select id, status, expired_at is not null as stamped from backup_runs where id = any($1)`, [[oldest, verified, old, recent].map((run) => run.id)]);
    expect(Object.fromEntries(statuses.map((row) => [row.id, [row.status, row.stamped]]))).toEqual({
      [oldest.id]: ['expired', true],
      [verified.id]: ['completed', false],
      [old.id]: ['expired', true],
      [recent.id]: ['completed', false],
    });
    const stored = async (name: string) => (await blobs.get(name)) !== undefined;
    for (const run of [oldest, old]) expect([await stored(run.blobName), await stored(manifestBlobName(run.blobName))]).toEqual([false, false]);
    for (const run of [verified, recent]) expect([await stored(run.blobName), await stored(manifestBlobName(run.blobName))]).toEqual([true, true]);
    expect(await stored(first.blobName)).toBe(true);
    expect(await app.service.app.get(BackupRetention).run()).toEqual([]);
  });

  it('reports the age of the newest completed backup per database', async () => {
    const metrics = await app.request('GET', '/metrics');
    expect(metrics.body).toMatch(/backup_last_completed_age_seconds\{[^}]*database="core"[^}]*\} \d/);
    expect(metrics.body).toMatch(/backup_written_bytes_total\{[^}]*database="core"[^}]*\} [1-9]/);
  });
});
