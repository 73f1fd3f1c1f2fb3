import { Inject, Injectable } from '@nestjs/common';
import type { BackupCompletedV1, BackupDatabase, BackupFailedV1 } from '@comply/contracts';
import type { KeyEncryptionKey } from '@comply/crypto';
import { addAllToOutbox, addToOutbox, type OutgoingEvent } from '@comply/messaging';
import type { Logger } from '@comply/observability';
import { DATABASE_CLIENT, LOGGER, SERVICE_CONFIG } from '@comply/service-runtime';
import { recordAdminAction } from '@comply/tenant-directory';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { BackupWorkerConfig } from '../backup-worker-settings';
import { BackupCatalogRepository } from '../catalog/backup-catalog.repository';
import { CatalogDatabase } from '../database/backup-database';
import { RunLocks } from '../database/run-lock';
import { BackupRunRow, BackupTrigger } from '../database/schema';
import { KEY_ENCRYPTION_KEY } from '../keys/key-encryption-key.provider';
import { BackupMetrics } from '../metrics/backup-metrics';
import type { SnapshotManifest } from '../snapshot/snapshot-manifest';
import type { SnapshotProgress } from '../snapshot/snapshot-writer';
import { BackupBlobs, backupBlobName } from './backup-blobs';
import { BackupFailure, backupFailureOf, uploadFailureCode } from './backup-failure';
import { snapshotIntoBlob, SnapshotIntoBlobError } from './snapshot-into-blob';

export interface BackupOptions {
  trigger: BackupTrigger;
  /** An operator asked over HTTP, in this request: audited with the run's start. */
  requestId?: string;
  onProgress?: (progress: SnapshotProgress) => void;
}

/** A run that holds its database's lock and is recorded `running`; `done` settles with its final row (never rejects for a failed backup). */
export interface StartedBackup {
  run: BackupRunRow;
  done: Promise<BackupRunRow>;
}

/**
 * One backup of one platform database:
 *  1. the database's session advisory lock on the catalog (another worker holding it: skipped);
 *  2. runs a killed worker left `running` are marked failed (Abandoned, with backup.failed.v1);
 *  3. the run is recorded `running`;
 *  4. the source is read as the backup role in one snapshot, streamed through gzip and encryption
 *     into `backups/<database>/<yyyy>/<mm>/<dd>/<run id>.cbk` (create-only), and the manifest is
 *     stored beside it;
 *  5. in one transaction the run is marked completed and backup.completed.v1 enqueued, whose
 *     startedAt is the snapshot's coversTransactionsBefore, so that core-store marks only records
 *     the snapshot holds. On any failure the run is marked failed with backup.failed.v1 instead.
 */
@Injectable()
export class BackupRunner {
  private readonly host = hostname();

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CatalogDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: BackupWorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(KEY_ENCRYPTION_KEY) private readonly kek: KeyEncryptionKey,
    private readonly catalog: BackupCatalogRepository,
    private readonly blobs: BackupBlobs,
    private readonly locks: RunLocks,
    private readonly metrics: BackupMetrics,
  ) {}

  /** Starts a backup of `database`; undefined when another worker (or this one) is backing it up. */
  async start(database: BackupDatabase, options: BackupOptions): Promise<StartedBackup | undefined> {
    const lock = await this.locks.tryLock(database);
    if (!lock) {
      this.logger.info({ database }, `backup of ${database} skipped: another run holds its lock (another worker is backing it up)`);
      return undefined;
    }
    let run: BackupRunRow;
    try {
      run = await this.begin(database, options);
    } catch (error) {
      await lock.release();
      throw error;
    }
    const started = performance.now();
    const done = this.execute(run, options, started).finally(() => lock.release());
    return { run, done };
  }

  private async begin(database: BackupDatabase, { trigger, requestId }: BackupOptions): Promise<BackupRunRow> {
    const id = randomUUID();
    const startedAt = new Date();
    const { abandoned, run } = await this.database.db.transaction(async (tx) => {
      const abandoned = await this.catalog.abandonRunning(tx, database, 'the worker running it stopped before it ended; found when the next run took the lock');
      await addAllToOutbox(tx, abandoned.map((row) => failedEvent(row)));
      const run = await this.catalog.insertRun(tx, {
        id,
        database,
        trigger,
        startedAt,
        blobContainer: this.blobs.container,
        blobName: backupBlobName(database, id, startedAt),
        host: this.host,
      });
      if (requestId !== undefined) await recordAdminAction(tx, { action: 'backup.run', resource: { type: 'backup', id }, requestId, details: { database } });
      return { abandoned, run };
    });
    for (const row of abandoned) {
      this.metrics.failed(database, 'Abandoned');
      this.logger.warn({ database, backupId: row.id, host: row.host }, `backup ${row.id} of ${database} was abandoned by its worker; marked failed`);
    }
    this.logger.info({ database, backupId: id, trigger }, `backup of ${database} started`);
    return run;
  }

  private async execute(run: BackupRunRow, options: BackupOptions, started: number): Promise<BackupRunRow> {
    const database = run.database as BackupDatabase;
    try {
      const manifest = await this.snapshot(run, options);
      const completed = await this.database.db.transaction(async (tx) => {
        const row = await this.catalog.completeRun(tx, run.id, {
          snapshotAt: new Date(manifest.snapshotAt),
          coversTransactionsBefore: new Date(manifest.coversTransactionsBefore),
          sizeBytes: manifest.sizeBytes,
          checksum: manifest.checksum,
          manifest,
        });
        if (row) await addToOutbox(tx, completedEvent(row));
        return row;
      });
      if (!completed) throw new BackupFailure('Abandoned', 'the run was marked failed by another worker while it ran');
      const seconds = (performance.now() - started) / 1_000;
      this.metrics.completed(database, seconds, manifest.sizeBytes);
      this.logger.info(
        { database, backupId: run.id, blob: run.blobName, sizeBytes: manifest.sizeBytes, rows: manifest.tables.reduce((sum, t) => sum + t.rows, 0), seconds },
        `backup of ${database} completed`,
      );
      return completed;
    } catch (error) {
      return this.fail(run, backupFailureOf(error, 'DumpFailed'), started).catch((unrecorded: unknown) => {
        this.logger.error({ database, backupId: run.id, err: unrecorded }, `backup of ${database} failed and the failure could not be recorded; the next run marks it abandoned`);
        throw unrecorded;
      });
    }
  }

  /** Steps 4: source, snapshot into the blob, manifest beside it. */
  private async snapshot(run: BackupRunRow, options: BackupOptions): Promise<SnapshotManifest> {
    const manifest = await snapshotIntoBlob({
      config: this.config,
      kek: this.kek,
      blobs: this.blobs,
      database: run.database as BackupDatabase,
      blobName: run.blobName,
      onProgress: options.onProgress,
    }).catch((error: SnapshotIntoBlobError) => {
      throw backupFailureOf(error.failure, error.stage === 'source' ? 'SourceUnavailable' : error.stage === 'upload' ? uploadFailureCode(error.failure) : 'DumpFailed');
    });
    await this.blobs.writeManifest(run.blobName, manifest).catch((error: unknown) => {
      throw backupFailureOf(error, 'ManifestWriteFailed');
    });
    return manifest;
  }

  private async fail(run: BackupRunRow, failure: BackupFailure, started: number): Promise<BackupRunRow> {
    const database = run.database as BackupDatabase;
    this.metrics.failed(database, failure.code, (performance.now() - started) / 1_000);
    this.logger.error({ database, backupId: run.id, code: failure.code, reason: failure.message }, `backup of ${database} failed: ${failure.code}`);
    const failed = await this.database.db.transaction(async (tx) => {
      const row = await this.catalog.failRun(tx, run.id, failure.code, failure.message);
      if (row) await addToOutbox(tx, failedEvent(row));
      return row;
    });
    return failed ?? ((await this.database.db.transaction((tx) => this.catalog.run(tx, run.id))) as BackupRunRow);
  }
}

function completedEvent(run: BackupRunRow): OutgoingEvent<'backup.completed.v1'> {
  const payload: BackupCompletedV1 = {
    backupId: run.id,
    database: run.database as BackupDatabase,
    blob: { container: run.blobContainer, name: run.blobName },
    startedAt: (run.coversTransactionsBefore as Date).toISOString(),
    completedAt: (run.completedAt as Date).toISOString(),
    sizeBytes: run.sizeBytes as number,
    checksum: run.checksum as string,
  };
  return { type: 'backup.completed.v1', payload, correlationId: run.id };
}

function failedEvent(run: BackupRunRow): OutgoingEvent<'backup.failed.v1'> {
  const payload: BackupFailedV1 = {
    backupId: run.id,
    database: run.database as BackupDatabase,
    error: { code: run.errorCode as string, message: (run.errorMessage ?? run.errorCode) as string },
    startedAt: run.startedAt.toISOString(),
    failedAt: (run.completedAt as Date).toISOString(),
  };
  return { type: 'backup.failed.v1', payload, correlationId: run.id };
}
