import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeWrapped } from './key-encryption-key';
import { LocalKeyEncryptionKey } from './local-key-file';

let dir: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'kek-'));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('LocalKeyEncryptionKey', () => {
  it('creates the key file with mode 0600 on first use and reuses it on the next start', async () => {
    const file = path.join(dir, 'keys', 'kek.json');
    const first = await LocalKeyEncryptionKey.open(file);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const content = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(Buffer.from(content.versions[0].key, 'base64')).toHaveLength(32);

    const dataKey = randomBytes(32);
    const wrapped = await first.wrap(dataKey);
    const second = await LocalKeyEncryptionKey.open(file);
    expect(second.id).toBe(first.id);
    expect((await second.unwrap(wrapped)).equals(dataKey)).toBe(true);
  });

  it('agrees on one key when several processes create the file at once', async () => {
    const file = path.join(dir, 'kek.json');
    const keks = await Promise.all([1, 2, 3, 4].map(() => LocalKeyEncryptionKey.open(file)));
    expect(new Set(keks.map((k) => k.id)).size).toBe(1);
  });

  it('names its version in the wrapped key and rejects a tampered one', async () => {
    const kek = await LocalKeyEncryptionKey.open(path.join(dir, 'kek.json'));
    const wrapped = await kek.wrap(randomBytes(32));
    expect(decodeWrapped(wrapped).kekVersionId).toBe(kek.id);
    wrapped[wrapped.length - 1] ^= 0x01;
    await expect(kek.unwrap(wrapped)).rejects.toThrow(/failed authentication/);
  });

  it('keeps old versions until removed, and sees rotations made by another process', async () => {
    const file = path.join(dir, 'kek.json');
    const kek = await LocalKeyEncryptionKey.open(file);
    const other = await LocalKeyEncryptionKey.open(file);
    const v1 = kek.id;
    const dataKey = randomBytes(32);
    const underV1 = await kek.wrap(dataKey);

    const v2 = await kek.rotate();
    expect(kek.versionIds).toEqual([v1, v2]);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const underV2 = await kek.wrap(dataKey);
    expect((await other.unwrap(underV2)).equals(dataKey)).toBe(true);

    await expect(kek.removeVersion(v2)).rejects.toThrow(/current/);
    await kek.removeVersion(v1);
    await expect(kek.unwrap(underV1)).rejects.toThrow(/is not in/);
    expect((await kek.unwrap(underV2)).equals(dataKey)).toBe(true);
  });
});
