import { addToOutbox, type AuditFacts, auditEvent, type OutboxWriter } from '@comply/messaging';
import { ADMIN_ACTOR } from '../audit/audit-event';

/** What an admin action did, for its audit event; the request id becomes the event's correlation id. */
export interface AdminAction extends Pick<AuditFacts, 'action' | 'resource' | 'details'> {
  /** Absent for platform-wide actions. */
  tenantId?: string;
  requestId: string;
}

/** Audits an admin action as ADMIN_ACTOR in the action's own transaction, so the event commits (or not) with it. */
export function recordAdminAction(tx: OutboxWriter, { action, resource, tenantId, requestId, details }: AdminAction): Promise<string> {
  return addToOutbox(tx, auditEvent({ actor: ADMIN_ACTOR, action, resource, tenantId, correlationId: requestId, details }));
}
