/**
 * Envelope encryption of sensitive fields: per-tenant data keys wrapped by a Key Vault key, or by
 * a local key file under .data/ in development. See README.md for the ciphertext format and rotation.
 */
export { createKeyEncryptionKey, cryptoSettings, type CryptoSettings } from './crypto-settings';
export { InMemoryDataKeyStore, type DataKeyStore, type WrappedDataKey } from './data-key-store';
export { DecryptionError, type DecryptionFailure } from './decryption-error';
export { FieldEncryptor, type FieldEncryptorOptions } from './field-encryptor';
export { type KeyEncryptionKey } from './key-encryption-key';
export { KeyVaultKeyEncryptionKey, type KeyWrapClient } from './key-vault-key';
export { LocalKeyEncryptionKey } from './local-key-file';
