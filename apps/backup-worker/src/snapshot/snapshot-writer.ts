import { createHash } from 'node:crypto';
import { PassThrough, Readable, Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { BackupDatabase } from '@comply/contracts';
import type { KeyEncryptionKey } from '@comply/crypto';
import type { Client } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { ChunkEncryptor, DEFAULT_CHUNK_BYTES } from './chunked-encryption';
import { RowDigest } from './row-digest';
import { readAppliedMigrations, readPartitions, readSequences, readSnapshotTables, SnapshotTable } from './snapshot-catalog';
import { encodeFrame, FrameType, jsonFrame } from './snapshot-frames';
import type { SnapshotHeader, TableEnd } from './snapshot-header';
import type { SnapshotManifest, TableManifest } from './snapshot-manifest';
import type { SnapshotProgress } from './snapshot-progress';
import { beginSnapshotTransaction, copyOutStatement } from './snapshot-session';

export type { SnapshotProgress } from './snapshot-progress';

/** Measured on core's COPY text: level 1 keeps up with COPY; higher levels cost far more CPU for a few percent. */
export const SNAPSHOT_GZIP_LEVEL = 1;

/**
 * Also measured on core's COPY text: memLevel 9 (a hash table of 256 KiB more) makes level 1 about
 * 8% faster and a little smaller. Each output buffer zlib fills is one round trip between its thread
 * and the main one; at the default 16 KiB a coalesced write took several, costing some 14% more CPU.
 * Neither changes what a reader sees: a gzip stream.
 */
const GZIP_OPTIONS = { level: SNAPSHOT_GZIP_LEVEL, memLevel: 9, chunkSize: 256 * 1024 } as const;

export interface WriteSnapshotOptions {
  /** Connected as platform_backup to the source database. */
  source: Client;
  database: BackupDatabase;
  kek: KeyEncryptionKey;
  upload: (ciphertext: Readable) => Promise<void>;
  onProgress?: (p: SnapshotProgress) => void;
  chunkBytes?: number;
  /**
   * Only these tables of public (partitions may be named on their own), without partitions or
   * sequences in the manifest: an archive of one table rather than a backup of the database.
   */
  tables?: readonly string[];
}

/** Counts and hashes the bytes on their way to the blob. */
class BlobMeter extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;
  flushed = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.flushed = true;
    callback();
  }
}

/** What a stream reports when another stage stopped it, rather than a failure of its own. */
function isStoppedStream(error: unknown): boolean {
  const { name, code } = error as { name?: string; code?: string };
  return name === 'AbortError' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}

/**
 * Where the snapshot's view starts: every transaction that began before this instant either
 * committed before it (so is in the snapshot, taken after) or was still running and is counted.
 * Read before the snapshot so that a transaction ending in between cannot be missed.
 */
async function readCoverageStart(client: Client): Promise<Date> {
  const result = await client.query<{ covers: Date }>(
    `select coalesce(min(xact_start), clock_timestamp()) as covers from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`,
  );
  return result.rows[0].covers;
}

async function readHeader(client: Client, database: BackupDatabase, covers: Date, only?: readonly string[]): Promise<SnapshotHeader & { tables: SnapshotTable[] }> {
  // The first statement of the transaction fixes the snapshot; now() is its start.
  const clock = await client.query<{ snapshot_at: Date; server_version: string }>(
    `select now() as snapshot_at, current_setting('server_version') as server_version`,
  );
  const snapshotAt = clock.rows[0].snapshot_at;
  return {
    formatVersion: 1,
    database,
    snapshotAt: snapshotAt.toISOString(),
    coversTransactionsBefore: (covers < snapshotAt ? covers : snapshotAt).toISOString(),
    serverVersion: clock.rows[0].server_version,
    migrations: await readAppliedMigrations(client),
    tables: await readSnapshotTables(client, only),
    partitions: only ? [] : await readPartitions(client),
    sequences: only ? [] : await readSequences(client),
  };
}

/** Larger writes for gzip: each write is one round trip to the zlib thread, and COPY reads are small. */
const COALESCED_BYTES = 256 * 1024;

async function* coalesced(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let bytes = 0;
  for await (const part of source) {
    parts.push(part);
    bytes += part.length;
    if (bytes >= COALESCED_BYTES) {
      yield Buffer.concat(parts, bytes);
      parts = [];
      bytes = 0;
    }
  }
  if (bytes > 0) yield Buffer.concat(parts, bytes);
}

/** Reads a COPY stream to its end without keeping anything, so the connection is usable again. */
async function discardRest(copy: Readable): Promise<void> {
  if (copy.readableEnded || copy.destroyed) return;
  await new Promise<void>((resolve) => {
    copy.on('end', resolve).on('error', () => resolve()).on('close', resolve);
    copy.resume();
  });
}

/**
 * Takes one consistent snapshot of the database `source` is connected to and streams it, framed,
 * gzipped and encrypted, to `upload`. Resolves with the manifest once `upload` has resolved;
 * on any failure the read transaction is rolled back and the promise rejects.
 */
export async function writeSnapshot(options: WriteSnapshotOptions): Promise<SnapshotManifest> {
  const { source } = options;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const covers = await readCoverageStart(source);
  await beginSnapshotTransaction(source);
  try {
    const header = await readHeader(source, options.database, covers, options.tables);
    const tables: TableManifest[] = [];
    let totalRows = 0;
    let plaintextBytes = 0;

    async function* frames(): AsyncGenerator<Buffer> {
      yield jsonFrame(FrameType.Header, header);
      for (const table of header.tables) {
        yield jsonFrame(FrameType.Table, table);
        const digest = new RowDigest();
        const copy = source.query(copyTo(copyOutStatement(source, table.name, table.columns)));
        try {
          for await (const chunk of copy.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
            const rowsBefore = digest.rows;
            digest.update(chunk);
            totalRows += digest.rows - rowsBefore;
            plaintextBytes += chunk.length;
            yield* encodeFrame(FrameType.Data, chunk);
            options.onProgress?.({ table: table.name, tableRows: digest.rows, totalRows, plaintextBytes });
          }
        } finally {
          await discardRest(copy);
        }
        const end: TableEnd = { rows: digest.rows, bytes: digest.bytes, digest: digest.digest() };
        tables.push({ ...table, ...end });
        yield jsonFrame(FrameType.TableEnd, end);
      }
      yield jsonFrame(FrameType.End, { tables: tables.length });
    }

    const meter = new BlobMeter();
    const blob = new PassThrough();
    const written = pipeline(
      Readable.from(coalesced(frames()), { objectMode: false }),
      createGzip(GZIP_OPTIONS),
      new ChunkEncryptor({ wrapKey: (key) => options.kek.wrap(key), chunkBytes }),
      meter,
      blob,
    );
    const uploaded = options.upload(blob);
    // Whichever side fails first stops the other: a failed upload must not leave COPY waiting on a full pipe.
    uploaded.catch((error: unknown) => blob.destroy(error instanceof Error ? error : new Error(String(error))));
    written.catch((error: unknown) => blob.destroy(error instanceof Error ? error : new Error(String(error))));
    const [writeOutcome, uploadOutcome] = await Promise.allSettled([written, uploaded]);
    // The upload's own error explains more than the stream it stopped.
    if (uploadOutcome.status === 'rejected') throw uploadOutcome.reason;
    // An uploader may stop its reader once it has every byte; anything short of that is a failure.
    const everyByteTaken = meter.flushed && blob.readableLength === 0;
    if (writeOutcome.status === 'rejected' && !(everyByteTaken && isStoppedStream(writeOutcome.reason))) throw writeOutcome.reason;
    await source.query('COMMIT');
    return {
      ...header,
      tables,
      compression: 'gzip',
      encryption: { algorithm: 'aes-256-gcm-chunked', kekId: options.kek.id, chunkBytes },
      plaintextBytes,
      sizeBytes: meter.bytes,
      checksum: `sha256:${meter.hash.digest('hex')}`,
    };
  } catch (error) {
    await source.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
