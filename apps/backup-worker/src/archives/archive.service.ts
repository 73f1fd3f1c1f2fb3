import { Inject, Injectable } from '@nestjs/common';
import type { ArchiveCompletedV1, ArchiveFailedV1, ArchiveRequestedV1 } from '@comply/contracts';
import type { KeyEncryptionKey } from '@comply/crypto';
import { addToOutbox, type OutgoingEvent } from '@comply/messaging';
import type { Logger } from '@comply/observability';
import { LOGGER, SERVICE_CONFIG } from '@comply/service-runtime';
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { BackupWorkerConfig } from '../backup-worker-settings';
import { BackupBlobs } from '../backups/backup-blobs';
import { snapshotIntoBlob, SnapshotIntoBlobError } from '../backups/snapshot-into-blob';
import { CatalogTransaction } from '../database/backup-database';
import { BackupArchiveRow } from '../database/schema';
import { KEY_ENCRYPTION_KEY } from '../keys/key-encryption-key.provider';
import type { SnapshotManifest } from '../snapshot/snapshot-manifest';
import { ArchiveCatalogRepository, NewArchive } from './archive-catalog.repository';
import { archiveBlobName } from './archive-blob-name';
import { ArchiveFailure, archiveFailureOf, snapshotFailureOf } from './archive-failure';

/**
 * Archives one table for the service that owns it (archive.requested.v1), before that service
 * drops it:
 *  1. the source is read as platform_backup, that one table in one snapshot, through gzip and
 *     encryption into `archives/<database>/<table>/<request id>.cbk` (create-only), the manifest
 *     beside it;
 *  2. the blob is read back and its SHA-256 compared with the manifest's;
 *  3. the table's rows must be the number the request counted;
 *  4. in the handler's transaction the answer is recorded in backup_archives and archive.completed.v1
 *     (or archive.failed.v1 with a code) enqueued.
 * A request already answered is answered again from its record; one whose blob a crash left behind
 * is finished from that blob's manifest, so nothing is written twice.
 */
@Injectable()
export class ArchiveService {
  private readonly host = hostname();

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: BackupWorkerConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(KEY_ENCRYPTION_KEY) private readonly kek: KeyEncryptionKey,
    private readonly catalog: ArchiveCatalogRepository,
    private readonly blobs: BackupBlobs,
  ) {}

  async answer(tx: CatalogTransaction, request: ArchiveRequestedV1, causationId?: string): Promise<BackupArchiveRow> {
    const recorded = (await this.catalog.archive(tx, request.requestId)) ?? (await this.catalog.record(tx, await this.archive(request)));
    await addToOutbox(tx, { ...answerOf(recorded), causationId });
    return recorded;
  }

  private async archive(request: ArchiveRequestedV1): Promise<NewArchive> {
    const blobName = archiveBlobName(request.database, request.table, request.requestId);
    const base = {
      requestId: request.requestId,
      database: request.database,
      tableName: request.table,
      requestedRows: request.rows,
      requestedAt: new Date(request.requestedAt),
      host: this.host,
    };
    const none = { rows: null, digest: null, blobContainer: null, blobName: null, sizeBytes: null, checksum: null, manifest: null, errorCode: null, errorMessage: null };
    try {
      const manifest = await this.written(request, blobName);
      const [table] = manifest.tables;
      const stored = { blobContainer: this.blobs.container, blobName, sizeBytes: manifest.sizeBytes, checksum: manifest.checksum, manifest, rows: table.rows, digest: table.digest };
      if (table.rows !== request.rows) {
        throw new ArchiveFailure('RowCountMismatch', `${request.table} holds ${table.rows} rows, the request counted ${request.rows}`);
      }
      this.logger.info({ requestId: request.requestId, database: request.database, table: request.table, rows: table.rows, blob: blobName }, `archived ${request.table} of ${request.database}`);
      return { ...base, ...none, ...stored, status: 'completed' };
    } catch (error) {
      const failure = archiveFailureOf(error, 'DumpFailed');
      this.logger.error(
        { requestId: request.requestId, database: request.database, table: request.table, code: failure.code, reason: failure.message },
        `archive of ${request.table} of ${request.database} failed: ${failure.code}`,
      );
      return { ...base, ...none, status: 'failed', errorCode: failure.code, errorMessage: failure.message };
    }
  }

  /** Steps 1 and 2: the blob and its manifest, written now or by an earlier delivery, checked by reading the blob back. */
  private async written(request: ArchiveRequestedV1, blobName: string): Promise<SnapshotManifest> {
    let manifest: SnapshotManifest;
    try {
      manifest = await this.snapshot(request, blobName);
    } catch (error) {
      const leftBehind = error instanceof ArchiveFailure && error.code === 'BlobExists' ? await this.blobs.manifest(blobName) : undefined;
      if (!leftBehind) throw error;
      manifest = leftBehind;
    }
    await this.blobs.writeManifest(blobName, manifest).catch((error: unknown) => {
      throw archiveFailureOf(error, 'ManifestWriteFailed');
    });
    const checksum = await this.readBack(blobName);
    if (checksum !== manifest.checksum) throw new ArchiveFailure('ChecksumMismatch', `${blobName} reads back as ${checksum}, the manifest says ${manifest.checksum}`);
    return manifest;
  }

  private snapshot(request: ArchiveRequestedV1, blobName: string): Promise<SnapshotManifest> {
    return snapshotIntoBlob({ config: this.config, kek: this.kek, blobs: this.blobs, database: request.database, blobName, tables: [request.table] }).catch(
      (error: SnapshotIntoBlobError) => {
        throw snapshotFailureOf(error);
      },
    );
  }

  /** "sha256:<hex>" of the blob as stored. */
  private async readBack(blobName: string): Promise<string> {
    const stream = await this.blobs.open(blobName).catch((error: unknown) => {
      throw archiveFailureOf(error, 'ChecksumMismatch');
    });
    if (!stream) throw new ArchiveFailure('ChecksumMismatch', `${blobName} is not in blob storage`);
    const hash = createHash('sha256');
    for await (const chunk of stream) hash.update(chunk as Buffer);
    return `sha256:${hash.digest('hex')}`;
  }
}

function answerOf(row: BackupArchiveRow): OutgoingEvent<'archive.completed.v1'> | OutgoingEvent<'archive.failed.v1'> {
  const subject = { requestId: row.requestId, database: row.database as ArchiveRequestedV1['database'], table: row.tableName };
  if (row.status === 'completed') {
    const payload: ArchiveCompletedV1 = {
      ...subject,
      rows: row.rows as number,
      digest: row.digest as string,
      blob: { container: row.blobContainer as string, name: row.blobName as string },
      checksum: row.checksum as string,
      sizeBytes: row.sizeBytes as number,
      completedAt: row.completedAt.toISOString(),
    };
    return { type: 'archive.completed.v1', payload, correlationId: row.requestId };
  }
  const payload: ArchiveFailedV1 = {
    ...subject,
    error: { code: row.errorCode as string, message: (row.errorMessage ?? row.errorCode) as string },
    failedAt: row.completedAt.toISOString(),
  };
  return { type: 'archive.failed.v1', payload, correlationId: row.requestId };
}
