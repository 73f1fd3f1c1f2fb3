import type { HandlerTransaction } from '@comply/messaging';

/** The message that brought a tenant to the replica, for the correlation of what the service publishes in response. */
export interface ArrivalCause {
  correlationId: string;
  /** The message id of the tenant event. */
  causationId: string;
}

/**
 * A service's own start for a tenant it has just heard of (e.g. billing opens the tenant's account
 * on the free plan). Run by the tenant-events handler in the transaction, and tenant context, in
 * which `tenant.created.v1` or `tenant.updated.v1` inserted a tenant the replica did not hold: once
 * per tenant, never for a known tenant's update, a redelivery or an erased tenant.
 */
export interface TenantArrival<Tx = HandlerTransaction> {
  arrived(tx: Tx, tenantId: string, cause: ArrivalCause): Promise<void>;
}

export const TENANT_ARRIVAL = Symbol('TenantArrival');
