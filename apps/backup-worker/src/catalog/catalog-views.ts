import type { BackupDatabase, BackupRun, BackupVerification } from '@comply/contracts';
import { BackupRunRow, BackupVerificationRow } from '../database/schema';
import type { VerificationSummary } from './backup-catalog.repository';

const iso = (value: Date | null) => (value === null ? null : value.toISOString());

/** A catalog row as the API shows it: the manifest reduced to its tables. */
export function backupRunView(row: BackupRunRow, lastVerification: VerificationSummary | undefined): BackupRun {
  return {
    id: row.id,
    database: row.database as BackupDatabase,
    status: row.status,
    trigger: row.trigger,
    startedAt: row.startedAt.toISOString(),
    completedAt: iso(row.completedAt),
    snapshotAt: iso(row.snapshotAt),
    coversTransactionsBefore: iso(row.coversTransactionsBefore),
    blob: { container: row.blobContainer, name: row.blobName },
    sizeBytes: row.sizeBytes,
    checksum: row.checksum,
    tables: row.manifest ? row.manifest.tables.map(({ name, rows, digest }) => ({ name, rows, digest })) : null,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    host: row.host,
    expiredAt: iso(row.expiredAt),
    lastVerification: lastVerification ? { id: lastVerification.id, status: lastVerification.status, completedAt: lastVerification.completedAt.toISOString() } : null,
  };
}

export function verificationView(row: BackupVerificationRow): BackupVerification {
  return {
    id: row.id,
    backupId: row.runId,
    status: row.status,
    startedAt: row.startedAt.toISOString(),
    completedAt: row.completedAt.toISOString(),
    restoreDurationMs: row.restoreDurationMs,
    scratchDatabase: row.scratchDatabase,
    tables: row.tables,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
  };
}
