/**
 * Where verification reads what an archive's manifest (in blob storage) says a log's archived
 * entries end with, to hold the database's archive record against it. Provided under
 * ARCHIVE_MANIFEST_SOURCE by the archival module.
 */
export interface ArchiveManifestSource {
  /** The last archived entry of the log in the partition per its stored manifest; undefined when the manifest is missing or does not list the log. */
  lastArchived(partition: string, logId: string): Promise<{ sequence: number; hash: Buffer } | undefined>;
}

export const ARCHIVE_MANIFEST_SOURCE = Symbol('ARCHIVE_MANIFEST_SOURCE');
