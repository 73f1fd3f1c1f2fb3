import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { CatalogTransaction } from '../database/backup-database';
import { backupArchives, BackupArchiveRow } from '../database/schema';

export type NewArchive = Omit<BackupArchiveRow, 'completedAt'>;

/** The archives backup-worker made for other services, by request id. */
@Injectable()
export class ArchiveCatalogRepository {
  async archive(tx: CatalogTransaction, requestId: string): Promise<BackupArchiveRow | undefined> {
    const [row] = await tx.select().from(backupArchives).where(eq(backupArchives.requestId, requestId));
    return row;
  }

  /** Records the answer unless one is recorded (a concurrent delivery of the same request); answers the stored row either way. */
  async record(tx: CatalogTransaction, archive: NewArchive): Promise<BackupArchiveRow> {
    await tx.insert(backupArchives).values(archive).onConflictDoNothing();
    return (await this.archive(tx, archive.requestId)) as BackupArchiveRow;
  }
}
