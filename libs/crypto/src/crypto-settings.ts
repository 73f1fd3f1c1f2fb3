import { ConfigOf, inProduction, optional, requiredInProduction, setting } from '@comply/config';
import { KeyEncryptionKey } from './key-encryption-key';
import { KeyVaultKeyEncryptionKey } from './key-vault-key';
import { LocalKeyEncryptionKey } from './local-key-file';

/** Settings of services that encrypt fields. */
export const cryptoSettings = {
  KEYVAULT_URL: inProduction(
    optional(setting.url({
      protocols: ['https'],
      doc: 'Azure Key Vault holding the key-encryption key, e.g. https://<vault>.vault.azure.net. Unset: a local key file (`LOCAL_KEK_FILE`) is used instead.',
    })),
    requiredInProduction(
      'without it a key file created inside the container wraps the data keys, so a new container cannot decrypt any stored field',
    ),
  ),
  KEYVAULT_KEY_NAME: setting.string({
    default: 'comply-kek',
    pattern: /^[0-9A-Za-z-]{1,127}$/,
    doc: 'Name of the RSA key (2048 bits or more) in `KEYVAULT_URL` that wraps the per-tenant data keys.',
  }),
  LOCAL_KEK_FILE: setting.string({
    default: '.data/keys/kek.json',
    doc: 'Local key-encryption key, created (mode 0600) on first start when `KEYVAULT_URL` is unset. Development only.',
  }),
  DATA_KEY_CACHE_TTL_MS: setting.int({
    default: 300_000,
    min: 0,
    doc: 'How long unwrapped data keys stay in memory (fewer Key Vault calls vs. how soon a destroyed key stops working everywhere).',
  }),
};

export type CryptoSettings = ConfigOf<typeof cryptoSettings>;

/** Key Vault when `KEYVAULT_URL` is set, otherwise the local key file. */
export async function createKeyEncryptionKey(
  settings: Pick<CryptoSettings, 'KEYVAULT_URL' | 'KEYVAULT_KEY_NAME' | 'LOCAL_KEK_FILE'>,
): Promise<KeyEncryptionKey> {
  return settings.KEYVAULT_URL
    ? KeyVaultKeyEncryptionKey.connect(settings.KEYVAULT_URL, settings.KEYVAULT_KEY_NAME)
    : LocalKeyEncryptionKey.open(settings.LOCAL_KEK_FILE);
}
