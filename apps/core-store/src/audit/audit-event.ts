import { AuditActorType, AuditEventV1, AuditOutcome } from '@comply/contracts';
import type { OutgoingEvent } from '@comply/messaging';
import type { Caller } from '@comply/tenant-directory';

export interface AuditActor {
  type: AuditActorType;
  id: string;
}

export interface AuditFacts {
  actor: AuditActor;
  /** `<resource>.<verb>`, e.g. "record.create", "tenant.suspend". */
  action: string;
  resource: { type: string; id?: string };
  outcome?: AuditOutcome;
  tenantId?: string;
  correlationId: string;
  details?: Record<string, unknown>;
  causationId?: string;
  traceparent?: string;
}

/** A request made with an API key acts as that key. */
export function actorOf(caller: Caller): AuditActor {
  return { type: 'api_key', id: caller.keyId };
}

/** The admin API acts as one operator identity: whoever holds ADMIN_TOKEN. */
export const ADMIN_ACTOR: AuditActor = { type: 'user', id: 'platform-admin' };

/** An audit.event.v1 for the outbox, so it commits (or not) with the action it records. */
export function auditEvent(facts: AuditFacts, occurredAt = new Date()): OutgoingEvent<'audit.event.v1'> {
  const payload: AuditEventV1 = {
    actor: facts.actor,
    action: facts.action,
    resource: facts.resource,
    outcome: facts.outcome ?? 'success',
    tenantId: facts.tenantId,
    correlationId: facts.correlationId,
    occurredAt: occurredAt.toISOString(),
    details: facts.details,
  };
  return {
    type: 'audit.event.v1',
    payload,
    tenantId: facts.tenantId,
    correlationId: facts.correlationId,
    causationId: facts.causationId,
    traceparent: facts.traceparent,
  };
}
