import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyCreatedV1, ApiKeyRevokedV1, ApiKeyScope, TenantCreatedV1, TenantErasedV1, TenantStatus, TenantUpdatedV1 } from '@comply/contracts';
import type { DatabaseClient } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { ApiKeyCredentials, ApiKeyDirectory } from './api-key-directory';
import { directoryApiKeys, directoryTenants } from './directory-tables';

/** The handler's transaction, in the event's tenant context: row-level security admits that tenant's rows only. */
export type ReplicaTransaction = Pick<NodePgDatabase<Record<string, unknown>>, 'execute'>;

/** What a tenant event did to the replica: inserted a tenant it did not hold, updated a held one, or nothing (stale, repeated or erased). */
export type TenantApplication = 'arrived' | 'changed' | 'unchanged';

export interface ErasureResult {
  /** The replica holds the tenant as erased now (by this event or an earlier one); false only for a stale erasure. */
  erased: boolean;
  apiKeysDeleted: number;
}

/**
 * Applies tenant-events to the replica. Every event carries its entity's full state and version
 * and is applied only when newer than what the replica holds, so redelivered, replayed and
 * reordered events converge on the same state. Erasure is final: nothing brings an erased tenant
 * or its keys back. Each method says whether it changed anything.
 */
@Injectable()
export class DirectoryReplicaRepository {
  async applyTenant(tx: ReplicaTransaction, event: TenantCreatedV1 | TenantUpdatedV1): Promise<TenantApplication> {
    // xmax is 0 only on a row this statement inserted, not on one it updated.
    const result = await tx.execute<{ inserted: boolean }>(sql`insert into ${directoryTenants} as held (tenant_id, name, plan, status, retention_days, version, changed_at)
      values (${event.tenantId}, ${event.name}, ${event.plan}, ${event.status}, ${event.retentionDays}, ${event.version}, ${event.occurredAt}::timestamptz)
      on conflict (tenant_id) do update set name = excluded.name, plan = excluded.plan, status = excluded.status,
        retention_days = excluded.retention_days, version = excluded.version, changed_at = excluded.changed_at, applied_at = now()
      where excluded.version > held.version and held.status <> 'erased'
      returning (xmax = 0) as inserted`);
    const [row] = result.rows;
    if (!row) return 'unchanged';
    return row.inserted ? 'arrived' : 'changed';
  }

  /** Leaves a tombstone (a tenant never heard of included, so its late keys are refused) and deletes the tenant's keys. */
  async applyErasure(tx: ReplicaTransaction, event: TenantErasedV1): Promise<ErasureResult> {
    await tx.execute(sql`insert into ${directoryTenants} as held (tenant_id, status, version, changed_at)
      values (${event.tenantId}, 'erased', ${event.version}, ${event.occurredAt}::timestamptz)
      on conflict (tenant_id) do update set name = null, plan = null, status = 'erased', retention_days = null,
        version = excluded.version, changed_at = excluded.changed_at, applied_at = now()
      where excluded.version > held.version and held.status <> 'erased'`);
    const held = await tx.execute<{ status: TenantStatus }>(sql`select status from ${directoryTenants} where tenant_id = ${event.tenantId}`);
    if (held.rows[0]?.status !== 'erased') return { erased: false, apiKeysDeleted: 0 };
    const deleted = await tx.execute(sql`delete from ${directoryApiKeys} where tenant_id = ${event.tenantId}`);
    return { erased: true, apiKeysDeleted: deleted.rowCount ?? 0 };
  }

  /** A key of a tenant the replica holds as erased is ignored; one of a tenant not heard of yet is kept. */
  async applyApiKey(tx: ReplicaTransaction, event: ApiKeyCreatedV1 | ApiKeyRevokedV1): Promise<boolean> {
    const revokedAt = 'revokedAt' in event ? event.revokedAt : null;
    const result = await tx.execute(sql`insert into ${directoryApiKeys} as held (key_id, tenant_id, prefix, secret_hash, scopes, created_at, revoked_at, version)
      select ${event.keyId}::uuid, ${event.tenantId}, ${event.prefix}, ${event.secretHash}, ${sql.param(event.scopes)}::text[],
        ${event.createdAt}::timestamptz, ${revokedAt}::timestamptz, ${event.version}::bigint
      where not exists (select 1 from ${directoryTenants} where tenant_id = ${event.tenantId} and status = 'erased')
      on conflict (key_id) do update set prefix = excluded.prefix, secret_hash = excluded.secret_hash, scopes = excluded.scopes,
        created_at = excluded.created_at, revoked_at = excluded.revoked_at, version = excluded.version
      where excluded.version > held.version`);
    return (result.rowCount ?? 0) > 0;
  }
}

/** Finds keys in the replica through a definer function: the tenant is not known yet, and the app role cannot read across tenants. */
@Injectable()
export class ReplicaApiKeyDirectory implements ApiKeyDirectory {
  constructor(@Inject(DATABASE_CLIENT) private readonly database: DatabaseClient<Record<string, unknown>>) {}

  async findByPrefix(prefix: string): Promise<ApiKeyCredentials | undefined> {
    const result = await this.database.db.execute<{
      key_id: string;
      tenant_id: string;
      secret_hash: string;
      scopes: ApiKeyScope[];
      /** drizzle hands timestamps of raw queries over as text. */
      revoked_at: string | null;
      tenant_status: TenantStatus | null;
    }>(sql`select key_id, tenant_id, secret_hash, scopes, revoked_at, tenant_status from directory_api_key_by_prefix(${prefix})`);
    const row = result.rows[0];
    if (!row) return undefined;
    return {
      keyId: row.key_id,
      tenantId: row.tenant_id,
      secretHash: row.secret_hash,
      scopes: row.scopes,
      revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
      tenantStatus: row.tenant_status ?? undefined,
    };
  }
}
