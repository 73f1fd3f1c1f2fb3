/** A tenant's data key as persisted: only ever in wrapped form. */
export interface WrappedDataKey {
  /** Appears in every ciphertext made with this key; unique within the tenant. */
  keyId: string;
  /** Output of `KeyEncryptionKey.wrap`. */
  wrapped: Buffer;
  /** `KeyEncryptionKey.id` at wrap time, so rotation can find keys under older KEK versions. */
  kekId: string;
}

/**
 * Where wrapped per-tenant data keys live. core-store implements it over PostgreSQL; the
 * in-memory version serves tests and local tools.
 */
export interface DataKeyStore {
  /** Oldest first; the last one is the key new values are encrypted with. */
  get(tenantId: string): Promise<WrappedDataKey[]>;
  /** Adds the key, or replaces the one with the same `keyId` (used by re-wrapping). */
  put(tenantId: string, key: WrappedDataKey): Promise<void>;
  /** Removes every key of the tenant: crypto-shredding. */
  deleteTenant(tenantId: string): Promise<void>;
  /** Every tenant that has at least one key, for re-wrapping after a KEK rotation. */
  tenantIds(): Promise<string[]>;
}

export class InMemoryDataKeyStore implements DataKeyStore {
  private readonly keys = new Map<string, WrappedDataKey[]>();

  async get(tenantId: string): Promise<WrappedDataKey[]> {
    return (this.keys.get(tenantId) ?? []).map((key) => ({ ...key }));
  }

  async put(tenantId: string, key: WrappedDataKey): Promise<void> {
    const keys = this.keys.get(tenantId) ?? [];
    const index = keys.findIndex((existing) => existing.keyId === key.keyId);
    if (index >= 0) keys[index] = { ...key };
    else keys.push({ ...key });
    this.keys.set(tenantId, keys);
  }

  async deleteTenant(tenantId: string): Promise<void> {
    this.keys.delete(tenantId);
  }

  async tenantIds(): Promise<string[]> {
    return [...this.keys.keys()];
  }
}
