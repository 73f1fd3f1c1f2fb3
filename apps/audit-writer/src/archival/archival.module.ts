import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { BlobStore, createBlobStore } from '@comply/blob-storage';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { AuditWriterConfig } from '../audit-writer-settings';
import { CheckpointsModule } from '../checkpoints/checkpoints.module';
import { AuditExportRepository } from '../export/audit-export.repository';
import { AuditExportService } from '../export/audit-export.service';
import { ARCHIVED_ENTRY_SOURCE } from '../proofs/archived-entry-source';
import { AuditProofsService } from '../proofs/audit-proofs.service';
import { ARCHIVE_MANIFEST_SOURCE } from '../verification/archive-manifest-source';
import { ArchiveHandoffHandler } from './archive-handoff.handler';
import { ArchiveReaderService } from './archive-reader.service';
import { ArchiveStore } from './archive-store';
import { ArchivalController } from './archival.controller';
import { ArchivalRepository } from './archival.repository';
import { ArchivalSchedule } from './archival-schedule';
import { ArchivalService } from './archival.service';

/** The container of the archives (AUDIT_ARCHIVE_CONTAINER). */
export const ARCHIVE_BLOBS = Symbol('ARCHIVE_BLOBS');

type ArchiveConfig = Pick<AuditWriterConfig, 'BLOB_CONNECTION_STRING' | 'BLOB_ACCOUNT_URL' | 'AUDIT_ARCHIVE_CONTAINER'>;

/**
 * Retention and archival: partitions past AUDIT_RETENTION_MONTHS exported (in the export format,
 * with their checkpoint), verified from blob storage and dropped, daily and on demand; archived
 * periods listed and verified from their blobs; archived entries for inclusion proofs.
 */
@Module({
  imports: [CheckpointsModule],
  controllers: [ArchivalController, ArchiveHandoffHandler],
  providers: [
    {
      provide: ARCHIVE_BLOBS,
      inject: [SERVICE_CONFIG],
      useFactory: (config: ArchiveConfig) =>
        createBlobStore({ BLOB_CONNECTION_STRING: config.BLOB_CONNECTION_STRING, BLOB_ACCOUNT_URL: config.BLOB_ACCOUNT_URL, BLOB_CONTAINER: config.AUDIT_ARCHIVE_CONTAINER }),
    },
    { provide: ArchiveStore, inject: [ARCHIVE_BLOBS], useFactory: (blobs: BlobStore) => new ArchiveStore(blobs) },
    ArchivalRepository,
    ArchivalService,
    ArchivalSchedule,
    ArchiveReaderService,
    { provide: ARCHIVED_ENTRY_SOURCE, useExisting: ArchiveReaderService },
    { provide: ARCHIVE_MANIFEST_SOURCE, useExisting: ArchiveReaderService },
    AuditExportService,
    AuditExportRepository,
    AuditProofsService,
  ],
})
export class ArchivalModule implements OnModuleInit {
  constructor(@Inject(ARCHIVE_BLOBS) private readonly blobs: BlobStore) {}

  /** A wrong endpoint or a missing permission stops the start, not the first archival. */
  async onModuleInit(): Promise<void> {
    await this.blobs.ensureContainer();
  }
}
