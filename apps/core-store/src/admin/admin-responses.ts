import type { ApiKeyResponse, TenantConfigResponse, TenantResponse } from '@comply/contracts';
import { ApiKeyRow } from './api-keys.repository';
import { TenantConfigRow, TenantRow } from './tenants-admin.repository';

/** Rows as the admin API returns them (contracts in libs/contracts/src/http/core-store-api.ts). */

export function tenantResponseOf(row: TenantRow): TenantResponse {
  return { id: row.id, name: row.name, plan: row.plan, status: row.status, createdAt: row.createdAt.toISOString() };
}

export function tenantConfigResponseOf(row: TenantConfigRow): TenantConfigResponse {
  return {
    tenantId: row.tenantId,
    retentionDays: row.retentionDays,
    allowedDetectors: row.allowedDetectors,
    defaultModelVersion: row.defaultModelVersion,
    encryptionKeyId: row.encryptionKeyId,
    monthlyRecordQuota: row.monthlyRecordQuota,
    quotaPlan: row.quotaPlan,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function apiKeyResponseOf(row: ApiKeyRow): ApiKeyResponse {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
