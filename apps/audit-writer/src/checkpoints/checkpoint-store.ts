import type { BlobStore } from '@comply/blob-storage';
import type { Logger } from '@comply/observability';
import { checkpointOrigin, parseCheckpointText, parseSignedNote } from './checkpoint-note';

const SIZE_DIGITS = 20;
const CONTENT_TYPE = 'text/plain; charset=utf-8';

/** `checkpoints/<log id>/<tree size zero-padded to 20>.note`: names sort by size within a log. */
export function checkpointBlobName(logId: string, size: number): string {
  checkpointOrigin(logId);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`tree size ${size} is not a non-negative integer`);
  return `${logPrefix(logId)}${String(size).padStart(SIZE_DIGITS, '0')}.note`;
}

export interface StoredCheckpoint {
  logId: string;
  size: number;
  /** The signed note as stored; verify it before trusting it. */
  note: string;
}

export type SaveOutcome =
  /** Written now. */
  | { created: true }
  /**
   * A checkpoint of the same tree (same log, size and root) was stored before; it stays, and is
   * returned so the caller can use it instead. It differs only in time or signature, or not at all.
   */
  | { created: false; existing: string };

/**
 * A different checkpoint for a (log, size) that already has one: two different trees of the same
 * size were signed, so the log forked or was rewritten. Never resolved by overwriting.
 */
export class CheckpointConflictError extends Error {
  constructor(
    readonly logId: string,
    readonly size: number,
    readonly blobName: string,
  ) {
    super(`checkpoint ${blobName} already holds a different tree of log ${logId} at size ${size}`);
    this.name = 'CheckpointConflictError';
  }
}

/**
 * Signed checkpoints in blob storage, create-only: one blob per (log, tree size), never
 * overwritten (on Azure the container is additionally immutable).
 */
export class CheckpointStore {
  constructor(
    private readonly blobs: Pick<BlobStore, 'putIfAbsent' | 'get' | 'list'>,
    private readonly logger: Pick<Logger, 'error'>,
  ) {}

  /** Stores the note under the log and size its body names. */
  async save(note: string): Promise<SaveOutcome> {
    const { logId, size, rootHash } = checkpointOf(note);
    const name = checkpointBlobName(logId, size);
    const { created } = await this.blobs.putIfAbsent(name, Buffer.from(note, 'utf8'), CONTENT_TYPE);
    if (created) return { created: true };
    const existing = await this.read(name);
    if (existing === note) return { created: false, existing };
    let sameTree = false;
    if (existing !== undefined) {
      try {
        const stored = checkpointOf(existing);
        sameTree = stored.logId === logId && stored.size === size && stored.rootHash.equals(rootHash);
      } catch {
        // An unreadable stored checkpoint is a conflict too.
      }
    }
    if (existing !== undefined && sameTree) return { created: false, existing };
    const conflict = new CheckpointConflictError(logId, size, name);
    this.logger.error({ logId, size, blob: name }, 'audit checkpoint conflict: a different tree was already signed at this size; the log may have been rewritten');
    throw conflict;
  }

  /** The checkpoint of the log at exactly `size`, if one was stored. */
  async atSize(logId: string, size: number): Promise<StoredCheckpoint | undefined> {
    const note = await this.read(checkpointBlobName(logId, size));
    return note === undefined ? undefined : { logId, size, note };
  }

  /** The checkpoint of the log with the largest tree size. */
  async latest(logId: string): Promise<StoredCheckpoint | undefined> {
    const sizes = await this.sizes(logId);
    const largest = sizes.at(-1);
    return largest === undefined ? undefined : this.atSize(logId, largest);
  }

  /** The checkpoint with the smallest tree size that covers entry `sequence`, e.g. to ship with an export. */
  async firstCovering(logId: string, sequence: number): Promise<StoredCheckpoint | undefined> {
    const size = (await this.sizes(logId)).find((s) => s >= sequence);
    return size === undefined ? undefined : this.atSize(logId, size);
  }

  /** Every stored tree size of the log, ascending. */
  async sizes(logId: string): Promise<number[]> {
    const prefix = logPrefix(logId);
    const pattern = new RegExp(`^${escapeRegExp(prefix)}(\\d{${SIZE_DIGITS}})\\.note$`);
    const sizes: number[] = [];
    for await (const blob of this.blobs.list(prefix)) {
      const match = pattern.exec(blob.name);
      if (match) sizes.push(Number(match[1]));
    }
    return sizes.sort((a, b) => a - b);
  }

  private async read(name: string): Promise<string | undefined> {
    const body = await this.blobs.get(name);
    // Bytes that are not UTF-8 decode to U+FFFD, which the note parser refuses.
    return body?.toString('utf8');
  }
}

function checkpointOf(note: string) {
  return parseCheckpointText(parseSignedNote(note).text);
}

function logPrefix(logId: string): string {
  return `checkpoints/${logId}/`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
