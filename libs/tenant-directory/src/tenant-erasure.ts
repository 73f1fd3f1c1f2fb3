import type { HandlerTransaction } from '@comply/messaging';

/**
 * A service's own part of erasing a tenant, run by the tenant-events handler in the transaction
 * that applies `tenant.erased.v1` (in that tenant's context) whenever the replica holds the tenant
 * as erased, so it must be idempotent. Returns what it deleted and kept, for the audit event's
 * details: counts and names, never content.
 */
export interface TenantErasure<Tx = HandlerTransaction> {
  erase(tx: Tx, tenantId: string): Promise<Record<string, unknown>>;
}

export const TENANT_ERASURE = Symbol('TenantErasure');
