import { addToOutbox, type AuditActor, type AuditFacts, auditEvent, type OutboxWriter } from '@comply/messaging';
import type { Caller } from './caller';

/** A request made with an API key acts as that key. */
export function actorOf(caller: Caller): AuditActor {
  return { type: 'api_key', id: caller.keyId };
}

/** The admin API acts as one operator identity: whoever holds ADMIN_TOKEN. */
export const ADMIN_ACTOR: AuditActor = { type: 'user', id: 'platform-admin' };

/** What an operator's action did, for its audit event; the request id becomes the event's correlation id. */
export interface AdminAction extends Pick<AuditFacts, 'action' | 'resource' | 'details'> {
  /** Absent for platform-wide actions (plans, promotional codes). */
  tenantId?: string;
  requestId: string;
}

/** Audits an operator's action as ADMIN_ACTOR in the action's own transaction, so the event commits (or not) with it. */
export function recordAdminAction(tx: OutboxWriter, { action, resource, tenantId, requestId, details }: AdminAction): Promise<string> {
  return addToOutbox(tx, auditEvent({ actor: ADMIN_ACTOR, action, resource, tenantId, correlationId: requestId, details }));
}
