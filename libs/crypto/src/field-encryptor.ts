import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DataKeyStore, WrappedDataKey } from './data-key-store';
import { IvPool } from './iv-pool';
import { DecryptionError } from './decryption-error';
import { KeyEncryptionKey } from './key-encryption-key';

export interface FieldEncryptorOptions {
  kek: KeyEncryptionKey;
  store: DataKeyStore;
  /** How long unwrapped data keys stay in memory; bounds Key Vault calls and how long a destroyed key lingers. */
  cacheTtlMs?: number;
  /** Milliseconds clock, injectable for tests. */
  now?: () => number;
}

interface TenantKeys {
  records: WrappedDataKey[];
  unwrapped: Map<string, Buffer>;
  expiresAt: number;
}

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DEFAULT_CACHE_TTL_MS = 5 * 60_000;

/**
 * Envelope encryption of single field values: AES-256-GCM under a per-tenant data key, the data
 * key stored only wrapped by the KEK.
 *
 * Ciphertext: `v1.<dataKeyId>.<base64url(iv | tag | ciphertext)>`. The data key id lets old values
 * decrypt after new data keys or KEK versions appear, so rotation never rewrites records. The AAD
 * binds the format version, tenant id, data key id and the caller's context, so a value cannot be
 * moved to another tenant (or, with `aad`, another field) without failing authentication.
 */
export class FieldEncryptor {
  private readonly kek: KeyEncryptionKey;
  private readonly store: DataKeyStore;
  private readonly cacheTtlMs: number;
  private readonly now: () => number;
  private readonly cache = new Map<string, TenantKeys>();
  private readonly ivs = new IvPool(IV_BYTES);
  /** De-duplicates concurrent first-use key creation within this process. */
  private readonly creating = new Map<string, Promise<WrappedDataKey>>();

  constructor(options: FieldEncryptorOptions) {
    this.kek = options.kek;
    this.store = options.store;
    this.cacheTtlMs = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The KEK version new data keys are wrapped by. */
  get keyEncryptionKeyId(): string {
    return this.kek.id;
  }

  /** `aad` is optional context (e.g. `table.column:rowId`) that must be given again to decrypt. */
  async encrypt(tenantId: string, plaintext: Buffer | string, aad?: string): Promise<string> {
    const record = await this.currentKey(tenantId);
    const key = await this.dataKey(tenantId, record);
    const iv = this.ivs.take();
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(associatedData(tenantId, record.keyId, aad));
    const body = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()]);
    return `${VERSION}.${record.keyId}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  async decrypt(tenantId: string, ciphertext: string, aad?: string): Promise<Buffer> {
    const parts = ciphertext.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION || !/^[A-Za-z0-9_-]+$/.test(parts[2])) {
      throw new DecryptionError('malformed', `Not a ${VERSION} field ciphertext`);
    }
    const [, keyId, encoded] = parts;
    const payload = Buffer.from(encoded, 'base64url');
    if (payload.length < IV_BYTES + TAG_BYTES) throw new DecryptionError('malformed', 'Field ciphertext is truncated');

    let record = (await this.tenantKeys(tenantId)).records.find((r) => r.keyId === keyId);
    if (!record) {
      // The key may have been created by another process since the cache was filled.
      this.cache.delete(tenantId);
      record = (await this.tenantKeys(tenantId)).records.find((r) => r.keyId === keyId);
    }
    if (!record) {
      throw new DecryptionError(
        'unknown-key',
        `Tenant ${tenantId} has no data key ${keyId}: it was destroyed, or the value belongs to another tenant`,
      );
    }
    const decipher = createDecipheriv('aes-256-gcm', await this.dataKey(tenantId, record), payload.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(tenantId, keyId, aad));
    decipher.setAuthTag(payload.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(payload.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new DecryptionError(
        'tampered',
        `Field ciphertext failed authentication for tenant ${tenantId}: altered, or bound to another tenant or context`,
      );
    }
  }

  /** Starts a new data key for the tenant's future writes; existing values keep their key. */
  async rotateDataKey(tenantId: string): Promise<string> {
    return (await this.createKey(tenantId)).keyId;
  }

  /**
   * Re-wraps the tenant's data keys that are not yet under the KEK's current version. Ciphertexts
   * are untouched: the data keys themselves do not change. Returns how many were re-wrapped.
   */
  async rewrap(tenantId: string): Promise<number> {
    let count = 0;
    for (const record of await this.store.get(tenantId)) {
      if (record.kekId === this.kek.id) continue;
      const key = await this.kek.unwrap(record.wrapped);
      await this.store.put(tenantId, { ...record, wrapped: await this.kek.wrap(key), kekId: this.kek.id });
      count++;
    }
    this.cache.delete(tenantId);
    return count;
  }

  /** After the KEK gained a new current version: re-wraps every tenant's data keys under it. */
  async rotateKeyEncryptionKey(): Promise<number> {
    await this.kek.refresh();
    let count = 0;
    for (const tenantId of await this.store.tenantIds()) count += await this.rewrap(tenantId);
    return count;
  }

  /**
   * Crypto-shredding: deletes the tenant's data keys so its ciphertexts (including those in
   * backups) can never be decrypted again. Other processes drop their cached copy within the TTL.
   */
  async destroyTenantKeys(tenantId: string): Promise<void> {
    await this.store.deleteTenant(tenantId);
    this.cache.delete(tenantId);
  }

  private async tenantKeys(tenantId: string): Promise<TenantKeys> {
    const cached = this.cache.get(tenantId);
    if (cached && cached.expiresAt > this.now()) return cached;
    const entry = { records: await this.store.get(tenantId), unwrapped: new Map<string, Buffer>(), expiresAt: this.now() + this.cacheTtlMs };
    this.cache.set(tenantId, entry);
    return entry;
  }

  private async currentKey(tenantId: string): Promise<WrappedDataKey> {
    const { records } = await this.tenantKeys(tenantId);
    if (records.length > 0) return records[records.length - 1];
    let pending = this.creating.get(tenantId);
    if (!pending) {
      pending = this.createKey(tenantId).finally(() => this.creating.delete(tenantId));
      this.creating.set(tenantId, pending);
    }
    return pending;
  }

  private async createKey(tenantId: string): Promise<WrappedDataKey> {
    // Two processes may both create a first key; harmless, as each value names the key it used.
    const key = randomBytes(32);
    const record = { keyId: randomBytes(12).toString('base64url'), wrapped: await this.kek.wrap(key), kekId: this.kek.id };
    await this.store.put(tenantId, record);
    // Reload the tenant's keys and keep the new one unwrapped: no KEK round trip for the first value.
    this.cache.delete(tenantId);
    (await this.tenantKeys(tenantId)).unwrapped.set(record.keyId, key);
    return record;
  }

  private async dataKey(tenantId: string, record: WrappedDataKey): Promise<Buffer> {
    const entry = await this.tenantKeys(tenantId);
    let key = entry.unwrapped.get(record.keyId);
    if (!key) {
      key = await this.kek.unwrap(record.wrapped);
      entry.unwrapped.set(record.keyId, key);
    }
    return key;
  }
}

function associatedData(tenantId: string, keyId: string, aad: string | undefined): Buffer {
  // JSON of an array is unambiguous, unlike joining with a separator the values might contain.
  return Buffer.from(JSON.stringify([VERSION, tenantId, keyId, aad ?? null]), 'utf8');
}
