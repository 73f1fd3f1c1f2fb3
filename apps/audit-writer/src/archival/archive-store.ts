import type { BlobStore } from '@comply/blob-storage';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ArchiveManifest, manifestBlobName, manifestBytes, parseManifest } from './archive-manifest';

const NDJSON = 'application/x-ndjson; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A blob of an archive already holds different content than this run would write: a previous run
 * wrote other entries or another checkpoint, or the blob was replaced. Never overwritten; the
 * partition stays.
 */
export class ArchiveConflictError extends Error {
  constructor(
    readonly blobName: string,
    detail: string,
  ) {
    super(`archive blob ${blobName} already holds different content: ${detail}`);
    this.name = 'ArchiveConflictError';
  }
}

export interface WrittenBlob {
  sha256: Buffer;
  bytes: number;
  /** Written now; false: found already there with the same content. */
  created: boolean;
}

/** Archives in their container, create-only: a name is written once, and only ever re-found with the same bytes. */
export class ArchiveStore {
  constructor(private readonly blobs: Pick<BlobStore, 'uploadStreamIfAbsent' | 'putIfAbsent' | 'get' | 'getStream'>) {}

  /**
   * Streams `content()` into `name` unless it exists. When it does, `content()` is produced again
   * (hashed, not stored) and must have the stored blob's SHA-256.
   */
  async writeSlice(name: string, content: () => AsyncIterable<string>): Promise<WrittenBlob> {
    const digest = createHash('sha256');
    const hashed = Readable.from(hashing(content(), digest));
    const { created, bytes } = await this.blobs.uploadStreamIfAbsent(name, hashed, NDJSON);
    if (created) return { sha256: digest.digest(), bytes, created };
    const ours = createHash('sha256');
    let ourBytes = 0;
    for await (const chunk of hashing(content(), ours)) ourBytes += chunk.length;
    const sha256 = ours.digest();
    const stored = await this.sha256Of(name);
    if (!stored || !stored.sha256.equals(sha256)) {
      throw new ArchiveConflictError(name, `SHA-256 ${stored?.sha256.toString('hex') ?? '(gone)'}, this run's ${sha256.toString('hex')}`);
    }
    return { sha256, bytes: ourBytes, created: false };
  }

  async writeManifest(manifest: ArchiveManifest): Promise<WrittenBlob> {
    const name = manifestBlobName(manifest.partition);
    const body = manifestBytes(manifest);
    const sha256 = createHash('sha256').update(body).digest();
    const { created } = await this.blobs.putIfAbsent(name, body, JSON_TYPE);
    if (!created) {
      const stored = await this.blobs.get(name);
      if (!stored?.equals(body)) throw new ArchiveConflictError(name, 'the stored manifest differs from this run\'s');
    }
    return { sha256, bytes: body.length, created };
  }

  /** The manifest as stored, with its SHA-256; undefined when absent. */
  async manifest(partition: string): Promise<{ manifest: ArchiveManifest; sha256: Buffer } | undefined> {
    const body = await this.blobs.get(manifestBlobName(partition));
    if (!body) return undefined;
    return { manifest: parseManifest(body), sha256: createHash('sha256').update(body).digest() };
  }

  /** The blob's bytes as a stream; undefined when absent. */
  read(name: string): Promise<Readable | undefined> {
    return this.blobs.getStream(name);
  }

  private async sha256Of(name: string): Promise<{ sha256: Buffer } | undefined> {
    const body = await this.blobs.getStream(name);
    if (!body) return undefined;
    const digest = createHash('sha256');
    for await (const chunk of body) digest.update(chunk as Buffer);
    return { sha256: digest.digest() };
  }
}

async function* hashing(lines: AsyncIterable<string>, digest: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  for await (const line of lines) {
    const chunk = Buffer.from(line, 'utf8');
    digest.update(chunk);
    yield chunk;
  }
}
