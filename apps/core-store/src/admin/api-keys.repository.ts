import { Injectable } from '@nestjs/common';
import type { ApiKeyScope } from '@comply/contracts';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { CoreTransaction } from '../database/core-database';
import { apiKeys } from '../database/schema';

/** Every column an operator may see: never the secret's hash. */
const visibleColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  scopes: apiKeys.scopes,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
};

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewApiKeyRow {
  tenantId: string;
  name: string;
  prefix: string;
  secretHash: string;
  scopes: ApiKeyScope[];
}

/** SQL of the admin API on API keys; every call runs inside the owning tenant's transaction. */
@Injectable()
export class ApiKeysRepository {
  async insert(tx: CoreTransaction, key: NewApiKeyRow): Promise<ApiKeyRow> {
    const [row] = await tx.insert(apiKeys).values(key).returning(visibleColumns);
    return row;
  }

  async list(tx: CoreTransaction, tenantId: string): Promise<ApiKeyRow[]> {
    return tx.select(visibleColumns).from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
  }

  /** Locked until the transaction ends, so two revocations of one key do not both record it. */
  async findForUpdate(tx: CoreTransaction, tenantId: string, keyId: string): Promise<ApiKeyRow | undefined> {
    const [row] = await tx
      .select(visibleColumns)
      .from(apiKeys)
      .where(and(eq(apiKeys.tenantId, tenantId), eq(apiKeys.id, keyId)))
      .for('update');
    return row;
  }

  async revoke(tx: CoreTransaction, keyId: string): Promise<ApiKeyRow> {
    const [row] = await tx.update(apiKeys).set({ revokedAt: sql`now()` }).where(eq(apiKeys.id, keyId)).returning(visibleColumns);
    return row;
  }

  /** Revokes the tenant's keys not yet revoked; returns how many. */
  async revokeAll(tx: CoreTransaction, tenantId: string): Promise<number> {
    const revoked = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.tenantId, tenantId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    return revoked.length;
  }
}
