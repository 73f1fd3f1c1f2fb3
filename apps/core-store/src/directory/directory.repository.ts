import { Injectable } from '@nestjs/common';
import type { ApiKeyScope, TenantStatus } from '@comply/contracts';
import { sql, type SQL } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';

/** A tenant as the directory announces it: its own columns, its retention and its directory version. */
export interface DirectoryTenant {
  id: string;
  name: string;
  plan: string;
  status: TenantStatus;
  retentionDays: number;
  version: number;
}

/** An API key as the directory announces it: never the secret, only its hash. */
export interface DirectoryApiKey {
  id: string;
  tenantId: string;
  prefix: string;
  secretHash: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  revokedAt: Date | null;
  version: number;
}

const TENANT_COLUMNS = sql`t.id, t.name, t.plan, t.status, c.retention_days as "retentionDays", t.version::int as version`;
const KEY_COLUMNS = sql`id, tenant_id as "tenantId", prefix, secret_hash as "secretHash", scopes, created_at as "createdAt",
  revoked_at as "revokedAt", version::int as version`;

/**
 * The directory's view of tenants and API keys, in the tenant's transaction. A change that other
 * services must learn of increases the entity's version in the statement that reads it for the event.
 */
@Injectable()
export class DirectoryRepository {
  async tenant(tx: CoreTransaction, tenantId: string): Promise<DirectoryTenant | undefined> {
    return first<DirectoryTenant>(tx, sql`select ${TENANT_COLUMNS} from tenants t join tenant_configs c on c.tenant_id = t.id where t.id = ${tenantId}`);
  }

  /** Increases the tenant's version and returns its new state. */
  async nextTenantVersion(tx: CoreTransaction, tenantId: string): Promise<DirectoryTenant | undefined> {
    return first<DirectoryTenant>(
      tx,
      sql`update tenants t set version = t.version + 1 from tenant_configs c
          where c.tenant_id = t.id and t.id = ${tenantId} returning ${TENANT_COLUMNS}`,
    );
  }

  async apiKey(tx: CoreTransaction, keyId: string): Promise<DirectoryApiKey | undefined> {
    return (await apiKeys(tx, sql`select ${KEY_COLUMNS} from api_keys where id = ${keyId}`))[0];
  }

  /** Increases the key's version and returns its new state. */
  async nextApiKeyVersion(tx: CoreTransaction, keyId: string): Promise<DirectoryApiKey | undefined> {
    return (await apiKeys(tx, sql`update api_keys set version = version + 1 where id = ${keyId} returning ${KEY_COLUMNS}`))[0];
  }

  async apiKeysOf(tx: CoreTransaction, tenantId: string): Promise<DirectoryApiKey[]> {
    return apiKeys(tx, sql`select ${KEY_COLUMNS} from api_keys where tenant_id = ${tenantId} order by created_at, id`);
  }
}

/** Raw statements return timestamps as text. */
async function apiKeys(tx: CoreTransaction, query: SQL): Promise<DirectoryApiKey[]> {
  const result = await tx.execute<Record<string, unknown>>(query);
  return result.rows.map((row) => {
    const key = row as unknown as DirectoryApiKey & { createdAt: string; revokedAt: string | null };
    return { ...key, createdAt: new Date(key.createdAt), revokedAt: key.revokedAt === null ? null : new Date(key.revokedAt) };
  });
}

async function first<T>(tx: CoreTransaction, query: SQL): Promise<T | undefined> {
  const result = await tx.execute<Record<string, unknown>>(query);
  return result.rows[0] as T | undefined;
}
