import type { Provider } from '@nestjs/common';
import { createKeyEncryptionKey, type KeyEncryptionKey } from '@comply/crypto';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { resolve } from 'node:path';
import { BackupWorkerConfig } from '../backup-worker-settings';

/** The key that wraps each backup's data key: Key Vault, or the local key file (resolved from the working directory). */
export const KEY_ENCRYPTION_KEY = Symbol('KEY_ENCRYPTION_KEY');

/** Opened at start, so a missing vault permission stops the start rather than the first backup. */
export const keyEncryptionKeyProvider: Provider = {
  provide: KEY_ENCRYPTION_KEY,
  inject: [SERVICE_CONFIG],
  useFactory: (config: BackupWorkerConfig): Promise<KeyEncryptionKey> => openKeyEncryptionKey(config),
};

export function openKeyEncryptionKey(config: Pick<BackupWorkerConfig, 'KEYVAULT_URL' | 'KEYVAULT_KEY_NAME' | 'LOCAL_KEK_FILE'>): Promise<KeyEncryptionKey> {
  return createKeyEncryptionKey({ ...config, LOCAL_KEK_FILE: resolve(config.LOCAL_KEK_FILE) });
}
