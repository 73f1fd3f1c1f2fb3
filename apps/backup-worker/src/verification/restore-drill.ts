import { resolve } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import type { BackupDatabase } from '@comply/contracts';
import type { KeyEncryptionKey } from '@comply/crypto';
import { addToOutbox, auditEvent, type AuditActor } from '@comply/messaging';
import type { Logger } from '@comply/observability';
import { databaseRoles } from '@comply/persistence';
import { DATABASE_CLIENT, LOGGER, SERVICE_CONFIG } from '@comply/service-runtime';
import { ADMIN_ACTOR } from '@comply/tenant-directory';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { BackupWorkerConfig } from '../backup-worker-settings';
import { BackupBlobs } from '../backups/backup-blobs';
import { safeDescription } from '../backups/backup-failure';
import { BackupCatalogRepository } from '../catalog/backup-catalog.repository';
import { CatalogDatabase } from '../database/backup-database';
import { connectAsBackupRole, connectByUrl, dropDatabase } from '../database/platform-connections';
import { BackupRunRow, BackupVerificationRow, TableComparison } from '../database/schema';
import { KEY_ENCRYPTION_KEY } from '../keys/key-encryption-key.provider';
import { BackupMetrics } from '../metrics/backup-metrics';
import { prepareRestoreTarget } from '../snapshot/restore-target';
import type { SnapshotManifest } from '../snapshot/snapshot-manifest';
import { restoreSnapshot, SnapshotIntegrityError } from '../snapshot/snapshot-restorer';
import { digestTables } from '../snapshot/table-digest';
import { compareTables } from './table-comparison';

/** Why a drill failed besides the restorer's own reasons (ChecksumMismatch, Truncated, Tampered, RowCountMismatch, UnknownFormat). */
type DrillFailureCode = 'BlobMissing' | 'RestoreFailed' | 'DigestMismatch' | SnapshotIntegrityError['reason'];

class DrillFailure extends Error {
  constructor(
    readonly code: DrillFailureCode,
    message: string,
  ) {
    super(message);
  }
}

const SERVICE_ACTOR: AuditActor = { type: 'service', id: 'backup-worker' };

/** A scratch database's name: `<database>_drill_<8 hex digits>`. */
export function scratchDatabaseName(database: BackupDatabase, verificationId: string): string {
  return `${database}_drill_${verificationId.replace(/-/g, '').slice(0, 8)}`;
}

/**
 * The restore drill, the only proof a backup is good: the blob is downloaded and restored into a
 * scratch database migrated to the manifest's schema (the restorer checks the checksum, decrypts
 * and counts rows in one transaction), every table's rows and content digest are compared with
 * the manifest as the backup role reads them, and the scratch database is dropped, whatever
 * happened. The result and the restore time are recorded with an audit event; a failure is a
 * metric and an error log line.
 */
@Injectable()
export class RestoreDrill {
  private readonly host = hostname();

  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CatalogDatabase,
    @Inject(SERVICE_CONFIG) private readonly config: BackupWorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(KEY_ENCRYPTION_KEY) private readonly kek: KeyEncryptionKey,
    private readonly catalog: BackupCatalogRepository,
    private readonly blobs: BackupBlobs,
    private readonly metrics: BackupMetrics,
  ) {}

  /** Drills a completed run and records the outcome; `requestId`: an operator asked, in that request. */
  async verify(run: BackupRunRow, requestId?: string): Promise<BackupVerificationRow> {
    const database = run.database as BackupDatabase;
    const manifest = run.manifest as SnapshotManifest;
    const id = randomUUID();
    const scratch = scratchDatabaseName(database, id);
    const startedAt = new Date();
    const started = performance.now();
    let restoreDurationMs: number | undefined;
    let tables: TableComparison[] = [];
    let failure: DrillFailure | undefined;
    try {
      restoreDurationMs = await this.restore(run, manifest, scratch);
      tables = await this.compare(manifest, scratch);
      const mismatched = tables.filter((table) => !table.matches).map((table) => table.name);
      if (mismatched.length > 0) failure = new DrillFailure('DigestMismatch', `restored content differs from the manifest in ${mismatched.join(', ')}`);
    } catch (error) {
      failure = error instanceof DrillFailure ? error : error instanceof SnapshotIntegrityError ? new DrillFailure(error.reason, error.message) : new DrillFailure('RestoreFailed', safeDescription(error));
    } finally {
      await dropDatabase(this.config.BACKUP_RESTORE_ADMIN_URL, scratch).catch((error: unknown) =>
        this.logger.error({ database, scratch, err: error }, `restore drill: could not drop the scratch database ${scratch}; drop it by hand`),
      );
    }
    const passed = failure === undefined;
    const verification = await this.database.db.transaction(async (tx) => {
      const row = await this.catalog.insertVerification(tx, {
        id,
        runId: run.id,
        status: passed ? 'passed' : 'failed',
        startedAt,
        restoreDurationMs: restoreDurationMs ?? null,
        scratchDatabase: scratch,
        tables,
        errorCode: failure?.code ?? null,
        errorMessage: failure?.message ?? null,
        host: this.host,
      });
      await addToOutbox(
        tx,
        auditEvent({
          actor: requestId === undefined ? SERVICE_ACTOR : ADMIN_ACTOR,
          action: 'backup.verify',
          resource: { type: 'backup', id: run.id },
          outcome: passed ? 'success' : 'failure',
          correlationId: requestId ?? id,
          details: { database, verificationId: id, restoreDurationMs: restoreDurationMs ?? null, ...(failure ? { errorCode: failure.code } : {}) },
        }),
      );
      return row;
    });
    this.metrics.verified(database, passed, failure?.code, restoreDurationMs === undefined ? undefined : restoreDurationMs / 1_000);
    const fields = { database, backupId: run.id, verificationId: id, restoreDurationMs, seconds: (performance.now() - started) / 1_000 };
    if (passed) this.logger.info(fields, `restore drill of backup ${run.id} (${database}) passed`);
    else this.logger.error({ ...fields, code: failure?.code, reason: failure?.message }, `restore drill of backup ${run.id} (${database}) FAILED: ${failure?.code}`);
    return verification;
  }

  /** Target, download, restore: the milliseconds it took. */
  private async restore(run: BackupRunRow, manifest: SnapshotManifest, scratch: string): Promise<number> {
    const started = performance.now();
    const database = run.database as BackupDatabase;
    await prepareRestoreTarget({
      adminUrl: this.config.BACKUP_RESTORE_ADMIN_URL,
      database,
      physicalName: scratch,
      manifest,
      migrationsDir: resolve(this.config.MIGRATIONS_DIR),
    });
    // Opened only now: a download left unread while the target is migrated would be aborted.
    const blob = await this.blobs.open(run.blobName);
    if (!blob) throw new DrillFailure('BlobMissing', `blob ${run.blobName} is not in container ${run.blobContainer}`);
    const target = await connectByUrl(this.config.BACKUP_RESTORE_ADMIN_URL, scratch, 'backup-worker drill');
    try {
      await restoreSnapshot({ blob, manifest, kek: this.kek, target, ownerRole: databaseRoles(database).owner });
      return Math.round(performance.now() - started);
    } finally {
      blob.destroy();
      await target.end().catch(() => undefined);
    }
  }

  /** Rows and digests as the backup role reads them (past row-level security), against the manifest. */
  private async compare(manifest: SnapshotManifest, scratch: string): Promise<TableComparison[]> {
    const reader = await connectAsBackupRole(this.config, scratch, 'backup-worker drill');
    try {
      return compareTables(manifest, await digestTables(reader, manifest.tables.map((table) => table.name)));
    } finally {
      await reader.end().catch(() => undefined);
    }
  }
}
