import { BillingTransaction } from '../database/billing-database';

/** What caused a reconciliation: becomes the correlation (and causation) of the events it publishes. */
export interface ReconciliationCause {
  correlationId: string;
  causationId?: string;
}

/**
 * Decides a tenant's plan, billing status and quota from what billing stores about it
 * (subscriptions, invoices, overrides), and acts on any difference from what it decided last:
 * a new quota for core-store, a dunning schedule started or recovered, an audit event. Called in
 * the transaction of whatever changed those facts (a Stripe event, an operator's override).
 */
export interface AccountReconciler {
  reconcile(tx: BillingTransaction, tenantId: string, cause: ReconciliationCause): Promise<void>;
}

export const ACCOUNT_RECONCILER = Symbol('AccountReconciler');
