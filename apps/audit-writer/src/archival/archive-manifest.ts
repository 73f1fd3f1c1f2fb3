/** One log's part of an archived partition. Hashes in lower-case hex. */
export interface ArchiveManifestLog {
  logId: string;
  firstSequence: number;
  lastSequence: number;
  entries: number;
  /** prev_hash of the first entry: the hash of the log's entry before the partition. */
  firstPrevHash: string;
  /** hash of the last entry: the live log's next entry links to it. */
  lastHash: string;
  /** The slice: `archive/<partition>/<log id>.ndjson`, in the export format. */
  blob: string;
  /** SHA-256 of the slice's bytes. */
  sha256: string;
  bytes: number;
  /** The signed checkpoint the slice's header carries and its trailer proves the entries in. */
  checkpoint: string;
}

/**
 * `archive/<partition>/manifest.json`: what an archived partition held, per log. Written once;
 * it carries no time of its own, so a retried run writes exactly the same bytes.
 */
export interface ArchiveManifest {
  format: 1;
  partition: string;
  /** The partition's range of recorded_at, [from, to), ISO 8601 UTC. */
  from: string;
  to: string;
  entries: number;
  logs: ArchiveManifestLog[];
}

export function archivePrefix(partition: string): string {
  return `archive/${partition}/`;
}

export function manifestBlobName(partition: string): string {
  return `${archivePrefix(partition)}manifest.json`;
}

export function sliceBlobName(partition: string, logId: string): string {
  return `${archivePrefix(partition)}${logId}.ndjson`;
}

export function manifestBytes(manifest: ArchiveManifest): Buffer {
  return Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
}

/** The manifest as stored; throws when it is not one. */
export function parseManifest(bytes: Buffer): ArchiveManifest {
  const value = JSON.parse(bytes.toString('utf8')) as ArchiveManifest;
  if (value?.format !== 1 || typeof value.partition !== 'string' || !Array.isArray(value.logs)) throw new Error('not an archive manifest of format 1');
  return value;
}
