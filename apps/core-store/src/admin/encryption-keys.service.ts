import { Inject, Injectable } from '@nestjs/common';
import type { DataKeyRotationResponse, KeyRewrapResponse } from '@comply/contracts';
import { FieldEncryptor } from '@comply/crypto';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { CoreDatabase } from '../database/core-database';
import { changeableTenant, inTenant } from './tenant-lookup';
import { TenantsAdminRepository } from './tenants-admin.repository';
import { recordAdminAction } from '@comply/tenant-directory';

/**
 * Key rotation on operator request. Neither operation rewrites a record: ciphertexts name the data
 * key that made them, and only the small wrapped data keys change. The audit event follows the
 * key change; a crash between the two leaves a rotated key without its audit entry, never the reverse.
 */
@Injectable()
export class EncryptionKeysService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: CoreDatabase,
    private readonly encryptor: FieldEncryptor,
    private readonly tenants: TenantsAdminRepository,
  ) {}

  /** A new data key for the tenant's future writes. */
  async rotateDataKey(tenantId: string, requestId: string): Promise<DataKeyRotationResponse> {
    await inTenant(this.database, tenantId, (tx) => changeableTenant(tx, this.tenants, tenantId));
    const keyId = await this.encryptor.rotateDataKey(tenantId);
    await inTenant(this.database, tenantId, (tx) =>
      recordAdminAction(tx, { action: 'data_key.rotate', resource: { type: 'data_key', id: keyId }, tenantId, requestId }),
    );
    return { tenantId, keyId };
  }

  /** After the key-encryption key was rotated (Key Vault or the local key file): every data key re-wrapped under its current version. */
  async rewrapAll(requestId: string): Promise<KeyRewrapResponse> {
    const rewrapped = await this.encryptor.rotateKeyEncryptionKey();
    const keyEncryptionKeyId = this.encryptor.keyEncryptionKeyId;
    await this.database.db.transaction((tx) =>
      recordAdminAction(tx, {
        action: 'data_key.rewrap',
        resource: { type: 'key_encryption_key', id: keyEncryptionKeyId },
        requestId,
        details: { rewrapped },
      }),
    );
    return { keyEncryptionKeyId, rewrapped };
  }
}
