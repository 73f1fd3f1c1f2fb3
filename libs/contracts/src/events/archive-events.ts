import { z } from 'zod';
import { boundedText, timestamp } from './shared-fields';

/**
 * The archival hand-off: a service about to drop a partition past its retention asks backup-worker
 * to archive that one table (the same encryption, checksum and create-only rules as a backup), and
 * drops it only once backup-worker answered that the archive holds exactly the rows it asked for.
 */

/** Databases whose retention hands partitions to backup-worker before dropping them. */
export const ARCHIVE_DATABASES = ['audit'] as const;
export type ArchiveDatabase = (typeof ARCHIVE_DATABASES)[number];

/** A monthly partition of audit_log: `audit_log_p<yyyymm>`. */
export const ARCHIVE_TABLE_PATTERN = /^audit_log_p\d{6}$/;

const requestId = z.uuid().describe('Identifier the requesting service gave the archive request; the answer carries it back.');
const database = z.enum(ARCHIVE_DATABASES).describe('The database the table belongs to.');
const table = z
  .string()
  .regex(ARCHIVE_TABLE_PATTERN)
  .describe('The partition to archive, e.g. "audit_log_p202401" (a monthly partition of audit_log).');
const rows = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
/** What every message of the hand-off is about; the answer repeats the request's. */
const archived = { requestId, database, table };
const sha256 = (description: string) =>
  z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .describe(description);

export const archiveRequestedV1 = z
  .strictObject({
    ...archived,
    rows: rows.describe('Rows the requester counted in the table: the archive must hold exactly these.'),
    requestedAt: timestamp.describe('When the request was made: ISO 8601 with offset.'),
  })
  .describe('archive.requested.v1: archive one table of a database before its owner drops it. Topic audit-events.');
export type ArchiveRequestedV1 = z.infer<typeof archiveRequestedV1>;

export const archiveCompletedV1 = z
  .strictObject({
    ...archived,
    rows: rows.describe('Rows the archive holds.'),
    digest: sha256("Order-independent content digest of the table's rows as archived, \"sha256:<64 hex>\" (the snapshot engine's table digest)."),
    blob: z
      .strictObject({
        container: boundedText(63).describe('Blob container (immutable storage) holding the archive.'),
        name: boundedText(1024).describe('Blob name within the container: archives/<database>/<table>/<requestId>.cbk.'),
      })
      .describe('Where the archive is stored; its manifest is beside it.'),
    checksum: sha256('SHA-256 of the archive blob as "sha256:<64 hex>", checked by reading the blob back.'),
    sizeBytes: z.int().nonnegative().describe('Size of the archive blob in bytes.'),
    completedAt: timestamp.describe('When the archive was written and read back: ISO 8601 with offset.'),
  })
  .describe('archive.completed.v1: a table was archived, encrypted and verified, in blob storage. Topic backup-events.');
export type ArchiveCompletedV1 = z.infer<typeof archiveCompletedV1>;

export const archiveFailedV1 = z
  .strictObject({
    ...archived,
    error: z
      .strictObject({
        code: boundedText(100).describe('Machine-readable error code, e.g. "RowCountMismatch", "BlobWriteFailed".'),
        message: boundedText(2000).describe('Human-readable error message. Never credentials or row content.'),
      })
      .describe('Why the table was not archived.'),
    failedAt: timestamp.describe('When the archive request gave up: ISO 8601 with offset.'),
  })
  .describe('archive.failed.v1: a table could not be archived; its owner keeps it. Topic backup-events.');
export type ArchiveFailedV1 = z.infer<typeof archiveFailedV1>;
