import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';
import { SnapshotIntegrityError } from './snapshot-integrity-error';

/**
 * Blob layout:
 *   header: magic "CSNAPENC" | u8 format version | u32 chunk bytes | 12-byte base nonce | u16 wrapped-key length | wrapped key
 *   chunks: AES-256-GCM(ciphertext | 16-byte tag) of `chunkBytes` plaintext each; the last one shorter (maybe empty).
 * Chunk i uses nonce = base nonce XOR i (in the last 8 bytes); its AAD is SHA-256(header) | u64 i | u8 final flag,
 * so a reordered, dropped, appended or swapped-header chunk fails its tag, and the stream must end with a final chunk.
 */
const MAGIC = Buffer.from('CSNAPENC', 'ascii');
const FORMAT_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;
const FIXED_HEADER_BYTES = MAGIC.length + 1 + 4 + NONCE_BYTES + 2;
export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
const MAX_CHUNK_BYTES = 64 * 1024 * 1024;

interface ChunkContext {
  key: Buffer;
  baseNonce: Buffer;
  headerDigest: Buffer;
}

function nonceOf(context: ChunkContext, index: number): Buffer {
  const nonce = Buffer.from(context.baseNonce);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(index));
  for (let i = 0; i < 8; i++) nonce[NONCE_BYTES - 8 + i] ^= counter[i];
  return nonce;
}

function aadOf(context: ChunkContext, index: number, final: boolean): Buffer {
  const aad = Buffer.alloc(context.headerDigest.length + 9);
  context.headerDigest.copy(aad);
  aad.writeBigUInt64BE(BigInt(index), context.headerDigest.length);
  aad[aad.length - 1] = final ? 1 : 0;
  return aad;
}

function sealChunk(context: ChunkContext, index: number, final: boolean, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', context.key, nonceOf(context, index));
  cipher.setAAD(aadOf(context, index, final));
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/** The plaintext of one sealed chunk, or undefined when its tag does not verify under (index, final). */
function openChunk(context: ChunkContext, index: number, final: boolean, sealed: Buffer): Buffer | undefined {
  const decipher = createDecipheriv('aes-256-gcm', context.key, nonceOf(context, index));
  decipher.setAAD(aadOf(context, index, final));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

function encodeHeader(chunkBytes: number, baseNonce: Buffer, wrappedKey: Buffer): Buffer {
  const fixed = Buffer.alloc(FIXED_HEADER_BYTES);
  MAGIC.copy(fixed);
  fixed[MAGIC.length] = FORMAT_VERSION;
  fixed.writeUInt32BE(chunkBytes, MAGIC.length + 1);
  baseNonce.copy(fixed, MAGIC.length + 5);
  fixed.writeUInt16BE(wrappedKey.length, FIXED_HEADER_BYTES - 2);
  return Buffer.concat([fixed, wrappedKey]);
}

export interface ChunkEncryptorOptions {
  /** Wraps the fresh data key; only the wrapped form is written. */
  wrapKey: (dataKey: Buffer) => Promise<Buffer>;
  chunkBytes?: number;
}

/** Encrypts a byte stream under a fresh random data key, in independently authenticated chunks. */
export class ChunkEncryptor extends Transform {
  private context?: ChunkContext;
  private readonly chunkBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;

  constructor(private readonly options: ChunkEncryptorOptions) {
    super();
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isInteger(this.chunkBytes) || this.chunkBytes < 1 || this.chunkBytes > MAX_CHUNK_BYTES) {
      throw new RangeError(`chunkBytes must be an integer from 1 to ${MAX_CHUNK_BYTES}`);
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.start()
      .then(() => {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        // Only a chunk known not to be the last is sealed here; the final one waits for _flush.
        while (this.pendingBytes > this.chunkBytes) this.sealNext(false);
        callback();
      })
      .catch(callback);
  }

  override _flush(callback: TransformCallback): void {
    this.start()
      .then(() => {
        this.sealNext(true);
        callback();
      })
      .catch(callback);
  }

  private async start(): Promise<void> {
    if (this.context) return;
    const key = randomBytes(DATA_KEY_BYTES);
    const baseNonce = randomBytes(NONCE_BYTES);
    const header = encodeHeader(this.chunkBytes, baseNonce, await this.options.wrapKey(key));
    this.context = { key, baseNonce, headerDigest: createHash('sha256').update(header).digest() };
    this.push(header);
  }

  private sealNext(final: boolean): void {
    const all = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    const take = Math.min(all.length, this.chunkBytes);
    const rest = all.subarray(take);
    this.pending = rest.length ? [rest] : [];
    this.pendingBytes = rest.length;
    this.push(sealChunk(this.context as ChunkContext, this.index++, final, all.subarray(0, take)));
  }
}

export interface ChunkDecryptorOptions {
  /** Unwraps the data key named in the header (the KEK). */
  unwrapKey: (wrapped: Buffer) => Promise<Buffer>;
}

/**
 * Verifies and decrypts what ChunkEncryptor wrote. Plaintext of a chunk is released only after its tag
 * verified; a missing final chunk, a bad tag and bytes after the final chunk are SnapshotIntegrityErrors.
 */
export class ChunkDecryptor extends Transform {
  private context?: ChunkContext;
  private chunkBytes = 0;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private index = 0;

  constructor(private readonly options: ChunkDecryptorOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    this.drain()
      .then(() => callback())
      .catch(callback);
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.context) throw new SnapshotIntegrityError('Truncated', 'The backup ends inside its encryption header');
      const sealed = this.takeBytes(this.bufferedBytes);
      if (sealed.length < TAG_BYTES) {
        throw new SnapshotIntegrityError('Truncated', `The backup ends without its final chunk (after chunk ${this.index})`);
      }
      const plaintext = openChunk(this.context, this.index, true, sealed);
      if (!plaintext) {
        // A whole non-final chunk at the very end means the chunks after it are missing.
        const cut = sealed.length === this.chunkBytes + TAG_BYTES && openChunk(this.context, this.index, false, sealed);
        throw cut
          ? new SnapshotIntegrityError('Truncated', `The backup ends after chunk ${this.index} without its final chunk`)
          : new SnapshotIntegrityError('Tampered', `Chunk ${this.index} of the backup failed authentication`);
      }
      this.push(plaintext);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  private async drain(): Promise<void> {
    if (!this.context) {
      if (!(await this.readHeader())) return;
    }
    const context = this.context as ChunkContext;
    const sealedBytes = this.chunkBytes + TAG_BYTES;
    // A full chunk followed by more bytes cannot be the final one.
    while (this.bufferedBytes > sealedBytes) {
      const plaintext = openChunk(context, this.index, false, this.takeBytes(sealedBytes));
      if (!plaintext) {
        throw new SnapshotIntegrityError(
          'Tampered',
          `Chunk ${this.index} of the backup failed authentication (altered, reordered, or bytes appended after the final chunk)`,
        );
      }
      this.index++;
      this.push(plaintext);
    }
  }

  private async readHeader(): Promise<boolean> {
    if (this.bufferedBytes < FIXED_HEADER_BYTES) return false;
    const head = this.peekBytes(FIXED_HEADER_BYTES);
    if (!head.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new SnapshotIntegrityError('UnknownFormat', 'The blob is not an encrypted snapshot (unknown magic)');
    }
    const version = head[MAGIC.length];
    if (version !== FORMAT_VERSION) {
      throw new SnapshotIntegrityError('UnknownFormat', `Unknown snapshot encryption format version ${version}`);
    }
    const chunkBytes = head.readUInt32BE(MAGIC.length + 1);
    if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) {
      throw new SnapshotIntegrityError('UnknownFormat', `Chunk size ${chunkBytes} in the header is out of range`);
    }
    const wrappedLength = head.readUInt16BE(FIXED_HEADER_BYTES - 2);
    if (this.bufferedBytes < FIXED_HEADER_BYTES + wrappedLength) return false;
    const header = this.takeBytes(FIXED_HEADER_BYTES + wrappedLength);
    let key: Buffer;
    try {
      key = await this.options.unwrapKey(header.subarray(FIXED_HEADER_BYTES));
    } catch (error) {
      throw new Error(
        `The backup's data key cannot be unwrapped with this key-encryption key: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (key.length !== DATA_KEY_BYTES) throw new SnapshotIntegrityError('UnknownFormat', 'The unwrapped data key has the wrong length');
    this.chunkBytes = chunkBytes;
    this.context = {
      key,
      baseNonce: header.subarray(MAGIC.length + 5, MAGIC.length + 5 + NONCE_BYTES),
      headerDigest: createHash('sha256').update(header).digest(),
    };
    return true;
  }

  private peekBytes(bytes: number): Buffer {
    const all = Buffer.concat(this.buffered);
    this.buffered = [all];
    return all.subarray(0, bytes);
  }

  private takeBytes(bytes: number): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    const rest = all.subarray(bytes);
    this.buffered = rest.length ? [rest] : [];
    this.bufferedBytes = rest.length;
    return all.subarray(0, bytes);
  }
}
