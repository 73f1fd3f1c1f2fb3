import { DefaultAzureCredential } from '@azure/identity';
import { CryptographyClient, KeyClient } from '@azure/keyvault-keys';
import { decodeWrapped, encodeWrapped, KeyEncryptionKey } from './key-encryption-key';

/** The two Key Vault operations this KEK needs; a seam so the version bookkeeping can be unit-tested. */
export type KeyWrapClient = Pick<CryptographyClient, 'wrapKey' | 'unwrapKey'>;

const ALGORITHM = 'RSA-OAEP-256';

type Credential = ConstructorParameters<typeof KeyClient>[1];

/**
 * KEK held in Azure Key Vault (RSA 2048+ key); the private key never leaves the vault.
 * Each wrapped data key carries the versioned key URL that wrapped it, so unwrap keeps working
 * after the key is rotated in the vault.
 *
 * Deliberately thin: without an Azure subscription only the version bookkeeping is unit-tested
 * (with a stand-in client); the real wrapKey/unwrapKey calls are exercised only against a vault.
 */
export class KeyVaultKeyEncryptionKey implements KeyEncryptionKey {
  private readonly clients = new Map<string, KeyWrapClient>();

  constructor(
    private currentKeyId: string,
    private readonly clientFor: (versionedKeyId: string) => KeyWrapClient,
    private readonly latestKeyId: () => Promise<string> = async () => currentKeyId,
  ) {}

  /** Resolves the key's current version with DefaultAzureCredential (managed identity in Azure). */
  static async connect(
    vaultUrl: string,
    keyName: string,
    credential: Credential = new DefaultAzureCredential(),
  ): Promise<KeyVaultKeyEncryptionKey> {
    const keys = new KeyClient(vaultUrl, credential);
    const latest = async () => {
      const key = await keys.getKey(keyName);
      if (!key.id) throw new Error(`Key Vault key ${keyName} has no id`);
      return key.id;
    };
    return new KeyVaultKeyEncryptionKey(await latest(), (id) => new CryptographyClient(id, credential), latest);
  }

  /** The versioned key URL, e.g. https://<vault>.vault.azure.net/keys/comply-kek/<version>. */
  get id(): string {
    return this.currentKeyId;
  }

  /** Picks up a version rotated in the vault. Follow with `FieldEncryptor.rotateKeyEncryptionKey()`. */
  async refresh(): Promise<string> {
    this.currentKeyId = await this.latestKeyId();
    return this.currentKeyId;
  }

  async wrap(dataKey: Buffer): Promise<Buffer> {
    const result = await this.client(this.currentKeyId).wrapKey(ALGORITHM, dataKey);
    // The vault reports the exact version it used; prefer it over what we asked for.
    return encodeWrapped(result.keyID ?? this.currentKeyId, Buffer.from(result.result));
  }

  async unwrap(wrapped: Buffer): Promise<Buffer> {
    const { kekVersionId, bytes } = decodeWrapped(wrapped);
    const result = await this.client(kekVersionId).unwrapKey(ALGORITHM, bytes);
    return Buffer.from(result.result);
  }

  private client(versionedKeyId: string): KeyWrapClient {
    let client = this.clients.get(versionedKeyId);
    if (!client) {
      client = this.clientFor(versionedKeyId);
      this.clients.set(versionedKeyId, client);
    }
    return client;
  }
}
