import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ChunkDecryptor, ChunkEncryptor } from './chunked-encryption';
import { SnapshotIntegrityError } from './snapshot-integrity-error';

// A stand-in KEK: the framing under test does not depend on how the data key is wrapped.
const wrapKey = async (key: Buffer) => Buffer.concat([Buffer.from('wrapped:'), key]);
const unwrapKey = async (wrapped: Buffer) => wrapped.subarray('wrapped:'.length);

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function encrypt(plaintext: Buffer, chunkBytes: number): Promise<Buffer> {
  return collect(Readable.from([plaintext]).pipe(new ChunkEncryptor({ wrapKey, chunkBytes })));
}

async function decrypt(blob: Buffer, pieceBytes = 7): Promise<Buffer> {
  const parts: Buffer[] = [];
  // Small pieces, so chunk boundaries never line up with reads.
  const pieces = Array.from({ length: Math.ceil(blob.length / pieceBytes) }, (_, i) => blob.subarray(i * pieceBytes, (i + 1) * pieceBytes));
  await pipeline(Readable.from(pieces), new ChunkDecryptor({ unwrapKey }), async (source: AsyncIterable<Buffer>) => {
    for await (const part of source) parts.push(part);
  });
  return Buffer.concat(parts);
}

async function failureOf(blob: Buffer): Promise<SnapshotIntegrityError> {
  const error = await decrypt(blob).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SnapshotIntegrityError);
  return error as SnapshotIntegrityError;
}

const CHUNK = 64;
const HEADER = 8 + 1 + 4 + 12 + 2 + 'wrapped:'.length + 32;
const SEALED = CHUNK + 16;

describe('chunked AES-256-GCM framing', () => {
  const plaintext = randomBytes(CHUNK * 5 + 17);

  it.each([0, 1, CHUNK - 1, CHUNK, CHUNK * 3, CHUNK * 5 + 17])('round-trips %i bytes', async (length) => {
    const data = plaintext.subarray(0, length);
    const blob = await encrypt(data, CHUNK);
    // Every chunk but the last is full; the last holds the rest (a full one when it divides evenly, an empty one for no data).
    expect(blob.length).toBe(HEADER + length + 16 * Math.max(1, Math.ceil(length / CHUNK)));
    expect(await decrypt(blob)).toEqual(data);
  });

  it('never writes the plaintext or the data key in the clear', async () => {
    const marker = Buffer.from('a recognisable plaintext marker '.repeat(8));
    const blob = await encrypt(marker, CHUNK);
    expect(blob.includes(Buffer.from('recognisable'))).toBe(false);
  });

  it('detects one flipped bit anywhere after the magic', async () => {
    const blob = await encrypt(plaintext, CHUNK);
    for (const offset of [9, 20, HEADER + 3, HEADER + SEALED + 70, blob.length - 1]) {
      const altered = Buffer.from(blob);
      altered[offset] ^= 0x01;
      const error = await decrypt(altered).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error).toBeDefined();
    }
  });

  it('refuses an unknown magic or format version', async () => {
    const blob = await encrypt(plaintext, CHUNK);
    const magic = Buffer.from(blob);
    magic[0] ^= 0xff;
    expect((await failureOf(magic)).reason).toBe('UnknownFormat');
    const version = Buffer.from(blob);
    version[8] = 9;
    expect((await failureOf(version)).reason).toBe('UnknownFormat');
  });

  it('reports a blob cut at a chunk boundary or inside a chunk as truncated or tampered, never as valid', async () => {
    const blob = await encrypt(plaintext, CHUNK);
    expect((await failureOf(blob.subarray(0, HEADER + 2 * SEALED))).reason).toBe('Truncated');
    expect((await failureOf(blob.subarray(0, HEADER + 2 * SEALED + 5))).reason).toBe('Truncated');
    expect(['Truncated', 'Tampered']).toContain((await failureOf(blob.subarray(0, HEADER + 2 * SEALED + 40))).reason);
    expect((await failureOf(blob.subarray(0, HEADER - 3))).reason).toBe('Truncated');
  });

  it('detects reordered chunks', async () => {
    const blob = await encrypt(plaintext, CHUNK);
    const first = blob.subarray(HEADER, HEADER + SEALED);
    const second = blob.subarray(HEADER + SEALED, HEADER + 2 * SEALED);
    const swapped = Buffer.concat([blob.subarray(0, HEADER), second, first, blob.subarray(HEADER + 2 * SEALED)]);
    expect((await failureOf(swapped)).reason).toBe('Tampered');
  });

  it('detects bytes appended after the final chunk, and a final chunk taken from another blob', async () => {
    const blob = await encrypt(plaintext, CHUNK);
    expect((await failureOf(Buffer.concat([blob, Buffer.from('x')]))).reason).toBe('Tampered');
    expect((await failureOf(Buffer.concat([blob, randomBytes(SEALED * 2)]))).reason).toBe('Tampered');
    const other = await encrypt(plaintext, CHUNK);
    const spliced = Buffer.concat([blob.subarray(0, blob.length - 33), other.subarray(other.length - 33)]);
    expect((await failureOf(spliced)).reason).toBe('Tampered');
  });

  it('explains a key that cannot unwrap the data key', async () => {
    const blob = await encrypt(plaintext, CHUNK);
    const refusing = async () => {
      throw new Error('Wrapped data key failed authentication under key version local-1');
    };
    const parts = Readable.from([blob]).pipe(new ChunkDecryptor({ unwrapKey: refusing }));
    await expect(collect(parts)).rejects.toThrow(/data key cannot be unwrapped with this key-encryption key/);
  });
});
