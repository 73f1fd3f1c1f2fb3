import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { decodeWrapped, encodeWrapped, KeyEncryptionKey } from './key-encryption-key';

interface KeyVersion {
  id: string;
  /** base64 of 32 random bytes. */
  key: string;
  createdAt: string;
}

interface KeyFile {
  current: string;
  versions: KeyVersion[];
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

function newVersion(): KeyVersion {
  return {
    id: `local-${randomBytes(6).toString('hex')}`,
    key: randomBytes(32).toString('base64'),
    createdAt: new Date().toISOString(),
  };
}

function parseKeyFile(text: string, file: string): KeyFile {
  const parsed = JSON.parse(text) as KeyFile;
  if (!Array.isArray(parsed.versions) || !parsed.versions.some((v) => v.id === parsed.current)) {
    throw new Error(`Key file ${file} has no current key version`);
  }
  return parsed;
}

/**
 * Writes through a temporary file and renames it into place, so a crash or a concurrent
 * reader never sees a half-written key file. Mode 0600: the file is the root of all local keys.
 */
async function writeKeyFile(file: string, content: KeyFile, exclusive: boolean): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    // link() fails if the target exists, so two services starting together cannot both create it.
    if (exclusive) await fs.link(temporary, file);
    else await fs.rename(temporary, file);
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/**
 * Local development KEK: AES-256-GCM keys in a JSON file under `.data/`. The file holds every
 * version still needed; `rotate` adds a new current version and old ones keep unwrapping until
 * removed. Not for production: the key sits on disk next to the data.
 */
export class LocalKeyEncryptionKey implements KeyEncryptionKey {
  private constructor(
    private readonly file: string,
    private content: KeyFile,
  ) {}

  /** Opens the key file, creating it with one fresh version on first use. */
  static async open(file: string): Promise<LocalKeyEncryptionKey> {
    const resolved = path.resolve(file);
    try {
      return new LocalKeyEncryptionKey(resolved, parseKeyFile(await fs.readFile(resolved, 'utf8'), resolved));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await fs.mkdir(path.dirname(resolved), { recursive: true, mode: 0o700 });
    const version = newVersion();
    const content = { current: version.id, versions: [version] };
    try {
      await writeKeyFile(resolved, content, true);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Another process created it first: use theirs.
      return LocalKeyEncryptionKey.open(resolved);
    }
    return new LocalKeyEncryptionKey(resolved, content);
  }

  get id(): string {
    return this.content.current;
  }

  get versionIds(): string[] {
    return this.content.versions.map((v) => v.id);
  }

  async wrap(dataKey: Buffer): Promise<Buffer> {
    const version = this.version(this.content.current);
    if (!version) throw new Error(`Key file ${this.file} has no current key version`);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(version.key, 'base64'), iv);
    cipher.setAAD(Buffer.from(version.id, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return encodeWrapped(version.id, Buffer.concat([iv, cipher.getAuthTag(), ciphertext]));
  }

  async unwrap(wrapped: Buffer): Promise<Buffer> {
    const { kekVersionId, bytes } = decodeWrapped(wrapped);
    // Another process may have rotated the file since we read it.
    if (!this.version(kekVersionId)) await this.reload();
    const version = this.version(kekVersionId);
    if (!version) throw new Error(`Key version ${kekVersionId} is not in ${this.file}`);
    const decipher = createDecipheriv('aes-256-gcm', Buffer.from(version.key, 'base64'), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(version.id, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(`Wrapped data key failed authentication under key version ${kekVersionId}`);
    }
  }

  async refresh(): Promise<string> {
    await this.reload();
    return this.id;
  }

  /** Adds a new current version. Follow with `FieldEncryptor.rotateKeyEncryptionKey()`. */
  async rotate(): Promise<string> {
    await this.reload();
    const version = newVersion();
    await this.save({ current: version.id, versions: [...this.content.versions, version] });
    return version.id;
  }

  /** Drops an old version once no stored data key is wrapped by it any more. */
  async removeVersion(versionId: string): Promise<void> {
    await this.reload();
    if (versionId === this.content.current) throw new Error('Cannot remove the current key version');
    await this.save({ ...this.content, versions: this.content.versions.filter((v) => v.id !== versionId) });
  }

  private version(id: string): KeyVersion | undefined {
    return this.content.versions.find((v) => v.id === id);
  }

  private async reload(): Promise<void> {
    this.content = parseKeyFile(await fs.readFile(this.file, 'utf8'), this.file);
  }

  private async save(content: KeyFile): Promise<void> {
    await writeKeyFile(this.file, content, false);
    this.content = content;
  }
}
