import { loadConfig } from '@comply/config';
import { generateKeyPairSync } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidCheckpointError, openCheckpoint, parseVerifierKey } from './checkpoint-note';
import { checkpointSettings } from './checkpoint-settings';
import { CheckpointSigner, createCheckpointSigner } from './checkpoint-signer';
import { openLocalSigningKey, SecretReader, signingKeyFromKeyVault } from './checkpoint-signing-key';
import { CheckpointService } from './checkpoint.service';

const root = Buffer.alloc(32, 0xab);
const time = new Date('2025-06-01T00:00:00.000Z');

function pem(type: 'ed25519' | 'ed448' | 'x25519' = 'ed25519'): string {
  return generateKeyPairSync(type as 'ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A Key Vault stand-in that knows one secret; the real getSecret call only runs against Azure. */
function vaultWith(name: string, value: string | undefined): SecretReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async getSecret(secretName) {
      asked.push(secretName);
      if (secretName !== name) throw new Error(`SecretNotFound: ${secretName}`);
      return { name, value, properties: { name, vaultUrl: 'https://v.vault.azure.net' } };
    },
  };
}

async function inTemporaryDirectory<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'checkpoint-signer-'));
  try {
    return await run(dir);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

describe('CheckpointService', () => {
  const service = new CheckpointService(new CheckpointSigner('comply-ai-audit', generateKeyPairSync('ed25519').privateKey));

  it('signs a checkpoint that its verifier key opens', () => {
    const note = service.sign('tenant-7', 12, root, time);
    expect(note.startsWith(`comply-ai/audit/tenant-7\n12\n${root.toString('base64')}\ntime 2025-06-01T00:00:00.000Z\n\n— comply-ai-audit `)).toBe(true);
    expect(openCheckpoint(note, parseVerifierKey(service.verifierKey))).toEqual({ logId: 'tenant-7', size: 12, rootHash: root, time });
    expect(service.open(note)).toEqual({ logId: 'tenant-7', size: 12, rootHash: root, time });
  });

  it('signs deterministically, so re-signing the same checkpoint gives the same note', () => {
    expect(service.sign('platform', 3, root, time)).toBe(service.sign('platform', 3, root, time));
  });

  it('refuses a checkpoint signed with another key', () => {
    const other = new CheckpointService(new CheckpointSigner('comply-ai-audit', generateKeyPairSync('ed25519').privateKey));
    const note = other.sign('tenant-7', 12, root, time);
    expect(() => service.open(note)).toThrow(InvalidCheckpointError);
    expect(() => openCheckpoint(note, parseVerifierKey(service.verifierKey))).toThrow(/no signature by key comply-ai-audit\+/);
  });

  it('refuses a checkpoint changed after signing', () => {
    const note = service.sign('tenant-7', 12, root, time);
    expect(() => service.open(note.replace('tenant-7', 'tenant-8'))).toThrow(/does not verify/);
  });

  it('refuses to sign what is not a checkpoint', () => {
    expect(() => service.sign('bad id', 1, root, time)).toThrow(/log id/);
    expect(() => service.sign('tenant-7', 1, root.subarray(1), time)).toThrow(/31 bytes/);
  });
});

describe('CheckpointSigner', () => {
  it('refuses keys other than Ed25519 private keys', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    expect(() => new CheckpointSigner('k', publicKey)).toThrow(/Ed25519 private key/);
    expect(() => new CheckpointSigner('k', generateKeyPairSync('ed448').privateKey)).toThrow(/Ed25519 private key/);
    expect(() => new CheckpointSigner('a b', privateKey)).toThrow(/key name/);
  });
});

describe('checkpoint signing key', () => {
  it('reads the PKCS#8 PEM from the named Key Vault secret', async () => {
    const secret = pem();
    const vault = vaultWith('audit-checkpoint-signing-key', secret);
    const key = await signingKeyFromKeyVault(vault, 'audit-checkpoint-signing-key');
    expect(vault.asked).toEqual(['audit-checkpoint-signing-key']);
    expect(key.export({ type: 'pkcs8', format: 'pem' }).toString()).toBe(secret);
  });

  it('refuses an empty secret or one that holds no Ed25519 key, without echoing the secret', async () => {
    await expect(signingKeyFromKeyVault(vaultWith('s', undefined), 's')).rejects.toThrow('Key Vault secret s has no value');
    await expect(signingKeyFromKeyVault(vaultWith('s', 'not a key'), 's')).rejects.toThrow('Key Vault secret s does not hold a PEM private key');
    const x25519 = pem('x25519');
    const refusal = signingKeyFromKeyVault(vaultWith('s', x25519), 's');
    await expect(refusal).rejects.toThrow('Key Vault secret s holds a x25519 key, not an Ed25519 key');
    await refusal.catch((error: Error) => expect(error.message).not.toContain(x25519.slice(40, 80)));
  });

  it('creates the local key file with mode 0600 on first use and reuses it afterwards', async () => {
    await inTemporaryDirectory(async (dir) => {
      const file = path.join(dir, 'keys', 'audit.pem');
      const first = await openLocalSigningKey(file);
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      expect((await fs.stat(path.dirname(file))).mode & 0o777).toBe(0o700);
      const again = await openLocalSigningKey(file);
      expect(new CheckpointSigner('k', again).verifierKey).toBe(new CheckpointSigner('k', first).verifierKey);
      expect(await fs.readdir(path.dirname(file))).toEqual(['audit.pem']);
    });
  });

  it('gives two processes creating the key file at once the same key', async () => {
    await inTemporaryDirectory(async (dir) => {
      const file = path.join(dir, 'audit.pem');
      const keys = await Promise.all([openLocalSigningKey(file), openLocalSigningKey(file), openLocalSigningKey(file)]);
      const vkeys = new Set(keys.map((key) => new CheckpointSigner('k', key).verifierKey));
      expect(vkeys.size).toBe(1);
    });
  });

  it('refuses a local key file that holds no Ed25519 key', async () => {
    await inTemporaryDirectory(async (dir) => {
      const file = path.join(dir, 'audit.pem');
      await fs.writeFile(file, pem('x25519'), { mode: 0o600 });
      await expect(openLocalSigningKey(file)).rejects.toThrow(/holds a x25519 key, not an Ed25519 key/);
    });
  });
});

describe('checkpointSettings', () => {
  it('defaults to a local key file and the key name comply-ai-audit', () => {
    const config = loadConfig(checkpointSettings, {});
    expect(config).toEqual({
      KEYVAULT_URL: undefined,
      AUDIT_SIGNING_KEY_SECRET: 'audit-checkpoint-signing-key',
      AUDIT_SIGNING_KEY_FILE: '.data/keys/audit-checkpoint-signing-key.pem',
      AUDIT_CHECKPOINT_KEY_NAME: 'comply-ai-audit',
    });
  });

  it('refuses a key name that cannot appear in a signature line or a verifier key', () => {
    expect(() => loadConfig(checkpointSettings, { AUDIT_CHECKPOINT_KEY_NAME: 'a+b' })).toThrow(/AUDIT_CHECKPOINT_KEY_NAME/);
    expect(() => loadConfig(checkpointSettings, { AUDIT_CHECKPOINT_KEY_NAME: 'a b' })).toThrow(/AUDIT_CHECKPOINT_KEY_NAME/);
  });

  it('requires Key Vault in production, since a key file dies with its container', () => {
    expect(() => loadConfig(checkpointSettings, { NODE_ENV: 'production' })).toThrow(/KEYVAULT_URL: is required in production/);
    expect(loadConfig(checkpointSettings, { NODE_ENV: 'production', KEYVAULT_URL: 'https://v.vault.azure.net' }).KEYVAULT_URL).toBe(
      'https://v.vault.azure.net',
    );
  });

  it('signs with the local key file when no Key Vault is configured', async () => {
    await inTemporaryDirectory(async (dir) => {
      const file = path.join(dir, 'audit.pem');
      const settings = { ...loadConfig(checkpointSettings, {}), AUDIT_SIGNING_KEY_FILE: file, AUDIT_CHECKPOINT_KEY_NAME: 'audit.example/log' };
      const signer = await createCheckpointSigner(settings);
      expect(signer.keyName).toBe('audit.example/log');
      expect((await createCheckpointSigner(settings)).verifierKey).toBe(signer.verifierKey);
      await expect(fs.stat(file)).resolves.toBeTruthy();
    });
  });
});
