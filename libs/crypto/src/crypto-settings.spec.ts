import { loadConfig } from '@comply/config';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKeyEncryptionKey, cryptoSettings } from './crypto-settings';
import { LocalKeyEncryptionKey } from './local-key-file';

describe('cryptoSettings', () => {
  it('defaults to a local key file and a five-minute data key cache', () => {
    const config = loadConfig(cryptoSettings, {});
    expect(config.KEYVAULT_URL).toBeUndefined();
    expect(config.KEYVAULT_KEY_NAME).toBe('comply-kek');
    expect(config.LOCAL_KEK_FILE).toBe('.data/keys/kek.json');
    expect(config.DATA_KEY_CACHE_TTL_MS).toBe(300_000);
  });

  it('accepts only an https Key Vault URL', () => {
    expect(() => loadConfig(cryptoSettings, { KEYVAULT_URL: 'http://vault' })).toThrow(/KEYVAULT_URL/);
    expect(loadConfig(cryptoSettings, { KEYVAULT_URL: 'https://v.vault.azure.net' }).KEYVAULT_URL).toBe('https://v.vault.azure.net');
  });

  it('refuses to start in production without a Key Vault, since a local key file dies with its container', () => {
    expect(() => loadConfig(cryptoSettings, { NODE_ENV: 'production' })).toThrow(
      /KEYVAULT_URL: is required in production: without it a key file created inside the container wraps the data keys/,
    );
    expect(loadConfig(cryptoSettings, { NODE_ENV: 'production', KEYVAULT_URL: 'https://v.vault.azure.net' }).KEYVAULT_URL).toBe(
      'https://v.vault.azure.net',
    );
  });

  it('creates the local key-encryption key when no Key Vault is configured', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'crypto-settings-'));
    try {
      const file = path.join(dir, 'kek.json');
      const kek = await createKeyEncryptionKey({ ...loadConfig(cryptoSettings, {}), LOCAL_KEK_FILE: file });
      expect(kek).toBeInstanceOf(LocalKeyEncryptionKey);
      await expect(fs.stat(file)).resolves.toBeTruthy();
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
