/**
 * The key that wraps (encrypts) per-tenant data keys. It never sees field values, only 32-byte
 * data keys, so a remote KEK (Key Vault) costs one call per data key, not one per field.
 */
export interface KeyEncryptionKey {
  /**
   * Identifies the version `wrap` uses now. Stored next to each wrapped data key so that rotation
   * can find the data keys still wrapped by an older version.
   */
  readonly id: string;
  /** Returns a self-describing blob: it names the KEK version it was made with. */
  wrap(dataKey: Buffer): Promise<Buffer>;
  /** Accepts blobs from any version the KEK still holds, not only the current one. */
  unwrap(wrapped: Buffer): Promise<Buffer>;
  /** Picks up a version rotated elsewhere (in the vault, or in the key file by another process); returns the current id. */
  refresh(): Promise<string>;
}

/**
 * Layout of a wrapped data key: `u16 length | KEK version id (utf8) | KEK-specific bytes`.
 * Carrying the version inside the blob lets `unwrap` pick the right version after rotation
 * without trusting a separate column.
 */
export function encodeWrapped(kekVersionId: string, bytes: Buffer): Buffer {
  const id = Buffer.from(kekVersionId, 'utf8');
  if (id.length > 0xffff) throw new Error('KEK version id is too long');
  const length = Buffer.alloc(2);
  length.writeUInt16BE(id.length);
  return Buffer.concat([length, id, bytes]);
}

export function decodeWrapped(wrapped: Buffer): { kekVersionId: string; bytes: Buffer } {
  if (wrapped.length < 2) throw new Error('Wrapped data key is truncated');
  const length = wrapped.readUInt16BE(0);
  if (wrapped.length < 2 + length) throw new Error('Wrapped data key is truncated');
  return {
    kekVersionId: wrapped.subarray(2, 2 + length).toString('utf8'),
    bytes: wrapped.subarray(2 + length),
  };
}
