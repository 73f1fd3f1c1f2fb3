import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InMemoryDataKeyStore } from './data-key-store';
import { DecryptionError } from './decryption-error';
import { FieldEncryptor } from './field-encryptor';
import { KeyEncryptionKey } from './key-encryption-key';
import { LocalKeyEncryptionKey } from './local-key-file';

let dir: string;
let kek: LocalKeyEncryptionKey;
let store: InMemoryDataKeyStore;
let encryptor: FieldEncryptor;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crypto-'));
  kek = await LocalKeyEncryptionKey.open(path.join(dir, 'kek.json'));
  store = new InMemoryDataKeyStore();
  encryptor = new FieldEncryptor({ kek, store });
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<DecryptionError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DecryptionError);
  return error as DecryptionError;
}

/** Flips one bit of the decoded payload at `offset` (iv 0-11, tag 12-27, ciphertext 28+). */
function flip(ciphertext: string, offset: number): string {
  const [version, keyId, encoded] = ciphertext.split('.');
  const payload = Buffer.from(encoded, 'base64url');
  payload[offset] ^= 0x01;
  return `${version}.${keyId}.${payload.toString('base64url')}`;
}

describe('FieldEncryptor', () => {
  it('round-trips strings and binary values', async () => {
    const text = await encryptor.encrypt('tenant-a', 'Jane Doe, 1970-01-01 ✓');
    expect((await encryptor.decrypt('tenant-a', text)).toString('utf8')).toBe('Jane Doe, 1970-01-01 ✓');

    const binary = Buffer.from([0, 255, 1, 254, 0, 0, 7]);
    const encrypted = await encryptor.encrypt('tenant-a', binary);
    expect((await encryptor.decrypt('tenant-a', encrypted)).equals(binary)).toBe(true);

    const empty = await encryptor.encrypt('tenant-a', '');
    expect((await encryptor.decrypt('tenant-a', empty)).length).toBe(0);
  });

  it('writes a versioned format naming the data key, and never the plaintext', async () => {
    const plaintext = 'super-secret-social-security-number';
    const ciphertext = await encryptor.encrypt('tenant-a', plaintext);
    const [{ keyId }] = await store.get('tenant-a');
    expect(ciphertext).toMatch(new RegExp(`^v1\\.${keyId}\\.[A-Za-z0-9_-]+$`));
    expect(ciphertext).not.toContain(plaintext);
    expect(Buffer.from(ciphertext.split('.')[2], 'base64url').includes(Buffer.from(plaintext))).toBe(false);
    // A fresh IV per value: the same plaintext never yields the same ciphertext.
    expect(await encryptor.encrypt('tenant-a', plaintext)).not.toBe(ciphertext);
  });

  it('creates one data key per tenant on first use and stores it only wrapped', async () => {
    await encryptor.encrypt('tenant-a', 'x');
    await encryptor.encrypt('tenant-a', 'y');
    await Promise.all([encryptor.encrypt('tenant-b', '1'), encryptor.encrypt('tenant-b', '2')]);
    expect(await store.get('tenant-a')).toHaveLength(1);
    expect(await store.get('tenant-b')).toHaveLength(1);
    const [record] = await store.get('tenant-a');
    expect(record.kekId).toBe(kek.id);
    expect(record.wrapped.length).toBeGreaterThan(32);
  });

  it.each([
    ['iv', 0],
    ['tag', 12],
    ['ciphertext', 28],
  ])('rejects a ciphertext whose %s was altered', async (_part, offset) => {
    const ciphertext = await encryptor.encrypt('tenant-a', 'account 12345');
    const error = await failure(encryptor.decrypt('tenant-a', flip(ciphertext, offset)));
    expect(error.failure).toBe('tampered');
    expect(error.message).toMatch(/failed authentication/);
  });

  it('rejects an altered key id, a truncated payload and an unknown format', async () => {
    const ciphertext = await encryptor.encrypt('tenant-a', 'account 12345');
    const [version, keyId, encoded] = ciphertext.split('.');
    const otherKeyId = `${keyId.slice(0, -1)}${keyId.endsWith('A') ? 'B' : 'A'}`;
    expect((await failure(encryptor.decrypt('tenant-a', `${version}.${otherKeyId}.${encoded}`))).failure).toBe('unknown-key');
    expect((await failure(encryptor.decrypt('tenant-a', `${version}.${keyId}.${encoded.slice(0, 20)}`))).failure).toBe('malformed');
    expect((await failure(encryptor.decrypt('tenant-a', `v2.${keyId}.${encoded}`))).failure).toBe('malformed');
    expect((await failure(encryptor.decrypt('tenant-a', 'plain text'))).failure).toBe('malformed');
  });

  it('binds the caller context given as AAD', async () => {
    const ciphertext = await encryptor.encrypt('tenant-a', 'x', 'patients.ssn:42');
    expect((await encryptor.decrypt('tenant-a', ciphertext, 'patients.ssn:42')).toString()).toBe('x');
    expect((await failure(encryptor.decrypt('tenant-a', ciphertext, 'patients.ssn:43'))).failure).toBe('tampered');
    expect((await failure(encryptor.decrypt('tenant-a', ciphertext))).failure).toBe('tampered');
  });

  it("does not decrypt tenant A's value as tenant B, even with A's data key planted in B's keys", async () => {
    const ofA = await encryptor.encrypt('tenant-a', 'A only');
    await encryptor.encrypt('tenant-b', 'B only');
    const unknown = await failure(encryptor.decrypt('tenant-b', ofA));
    expect(unknown.failure).toBe('unknown-key');
    expect(unknown.message).toMatch(/Tenant tenant-b has no data key/);

    // Copying A's wrapped key into B's rows still cannot open A's data as B: the AAD binds the tenant.
    const [keyOfA] = await store.get('tenant-a');
    await store.put('tenant-b', keyOfA);
    const fresh = new FieldEncryptor({ kek, store });
    expect((await failure(fresh.decrypt('tenant-b', ofA))).failure).toBe('tampered');
    expect((await fresh.decrypt('tenant-a', ofA)).toString()).toBe('A only');
  });

  it('rotates the KEK: re-wraps data keys, old values still decrypt, the old version can then go', async () => {
    const v1 = kek.id;
    const values = await Promise.all(['a1', 'a2'].map((p) => encryptor.encrypt('tenant-a', p)));
    const ofB = await encryptor.encrypt('tenant-b', 'b1');
    const before = await store.get('tenant-a');

    const v2 = await kek.rotate();
    expect(v2).not.toBe(v1);
    expect(kek.id).toBe(v2);
    // Still under v1 until re-wrapped, and still readable.
    expect((await encryptor.decrypt('tenant-a', values[0])).toString()).toBe('a1');

    expect(await encryptor.rotateKeyEncryptionKey()).toBe(2);
    expect(await encryptor.rewrap('tenant-a')).toBe(0);
    const after = await store.get('tenant-a');
    expect(after.map((k) => k.kekId)).toEqual([v2]);
    expect((await store.get('tenant-b')).map((k) => k.kekId)).toEqual([v2]);
    expect(after[0].keyId).toBe(before[0].keyId);
    expect(after[0].wrapped.equals(before[0].wrapped)).toBe(false);

    await kek.removeVersion(v1);
    const restarted = new FieldEncryptor({ kek: await LocalKeyEncryptionKey.open(path.join(dir, 'kek.json')), store });
    expect((await restarted.decrypt('tenant-a', values[0])).toString()).toBe('a1');
    expect((await restarted.decrypt('tenant-a', values[1])).toString()).toBe('a2');
    expect((await restarted.decrypt('tenant-b', ofB)).toString()).toBe('b1');
    expect(await restarted.encrypt('tenant-a', 'new')).toMatch(new RegExp(`^v1\\.${before[0].keyId}\\.`));
  });

  it('rotates the data key: new values use the new key, old values keep theirs', async () => {
    const old = await encryptor.encrypt('tenant-a', 'old');
    const newKeyId = await encryptor.rotateDataKey('tenant-a');
    const fresh = await encryptor.encrypt('tenant-a', 'new');
    expect(fresh.split('.')[1]).toBe(newKeyId);
    expect(old.split('.')[1]).not.toBe(newKeyId);
    expect((await encryptor.decrypt('tenant-a', old)).toString()).toBe('old');
    expect((await encryptor.decrypt('tenant-a', fresh)).toString()).toBe('new');
  });

  it('unwraps a data key once within the cache TTL and again after it', async () => {
    let now = 1_000_000;
    const counting: KeyEncryptionKey & { unwraps: number } = {
      unwraps: 0,
      get id() {
        return kek.id;
      },
      wrap: (key) => kek.wrap(key),
      refresh: () => kek.refresh(),
      unwrap(wrapped) {
        counting.unwraps++;
        return kek.unwrap(wrapped);
      },
    };
    const writer = new FieldEncryptor({ kek: counting, store });
    const ciphertext = await writer.encrypt('tenant-a', 'cached');
    // The writer created the key and kept it: no unwrap needed.
    expect(counting.unwraps).toBe(0);
    const reader = new FieldEncryptor({ kek: counting, store, cacheTtlMs: 60_000, now: () => now });

    await reader.decrypt('tenant-a', ciphertext);
    await reader.decrypt('tenant-a', ciphertext);
    await reader.encrypt('tenant-a', 'more');
    now += 59_999;
    await reader.decrypt('tenant-a', ciphertext);
    expect(counting.unwraps).toBe(1);

    now += 1;
    await reader.decrypt('tenant-a', ciphertext);
    expect(counting.unwraps).toBe(2);
  });

  it('crypto-shreds a tenant: its values can no longer be decrypted, others are unaffected', async () => {
    const ofA = await encryptor.encrypt('tenant-a', 'forget me');
    const ofB = await encryptor.encrypt('tenant-b', 'keep me');
    await encryptor.destroyTenantKeys('tenant-a');

    expect(await store.get('tenant-a')).toEqual([]);
    const error = await failure(encryptor.decrypt('tenant-a', ofA));
    expect(error.failure).toBe('unknown-key');
    expect(error.message).toMatch(/destroyed/);
    expect((await encryptor.decrypt('tenant-b', ofB)).toString()).toBe('keep me');
  });
});
