export type DecryptionFailure =
  /** Not a ciphertext this library wrote, or a format version it does not know. */
  | 'malformed'
  /** The tenant has no data key with the id in the ciphertext: destroyed, or another tenant's data. */
  | 'unknown-key'
  /** AES-GCM authentication failed: the ciphertext, its AAD or the tenant binding was altered. */
  | 'tampered';

/** Raised by `FieldEncryptor.decrypt`; never includes key material or plaintext. */
export class DecryptionError extends Error {
  constructor(
    readonly failure: DecryptionFailure,
    message: string,
  ) {
    super(message);
    this.name = 'DecryptionError';
  }
}
