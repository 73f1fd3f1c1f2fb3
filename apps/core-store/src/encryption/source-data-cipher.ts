import { FieldEncryptor } from '@comply/crypto';

/**
 * storage_records.source_data is encrypted under the tenant's data key, bound to the record id, so
 * a ciphertext copied onto another record (or tenant) fails to decrypt.
 */
function context(recordId: string): string {
  return `storage_records.source_data:${recordId}`;
}

export function encryptSourceData(encryptor: FieldEncryptor, tenantId: string, recordId: string, sourceData: Record<string, unknown>): Promise<string> {
  return encryptor.encrypt(tenantId, JSON.stringify(sourceData), context(recordId));
}

export async function decryptSourceData(encryptor: FieldEncryptor, tenantId: string, recordId: string, ciphertext: string): Promise<Record<string, unknown>> {
  return JSON.parse((await encryptor.decrypt(tenantId, ciphertext, context(recordId))).toString('utf8')) as Record<string, unknown>;
}
