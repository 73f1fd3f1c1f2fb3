import { AuditActor, auditEvent, OutgoingEvent } from '@comply/messaging';
import type { ReconciliationCause } from './account-reconciler';

/** Billing acting on its own decision (a Stripe event, an overdue invoice, the dunning schedule). */
export const BILLING_ACTOR: AuditActor = { type: 'service', id: 'billing' };

/** Audit actions on a tenant's billing account, `<resource>.<verb>` as the audit contract wants them. */
export const ACCOUNT_AUDIT_ACTIONS = {
  open: 'billing_account.open',
  plan_change: 'billing_account.change_plan',
  past_due: 'billing_account.mark_past_due',
  restrict: 'billing_account.restrict',
  recover: 'billing_account.recover',
  quota_change: 'billing_account.change_quota',
  remind: 'billing_account.remind',
} as const;

export type AccountAuditAction = keyof typeof ACCOUNT_AUDIT_ACTIONS;

/** One audit.event.v1 about the tenant's billing account, caused by `cause`. */
export function accountAudit(
  tenantId: string,
  action: AccountAuditAction,
  details: Record<string, unknown>,
  cause: ReconciliationCause,
  occurredAt: Date,
): OutgoingEvent<'audit.event.v1'> {
  return auditEvent(
    {
      actor: BILLING_ACTOR,
      action: ACCOUNT_AUDIT_ACTIONS[action],
      resource: { type: 'billing_account', id: tenantId },
      tenantId,
      correlationId: cause.correlationId,
      causationId: cause.causationId,
      details,
    },
    occurredAt,
  );
}
