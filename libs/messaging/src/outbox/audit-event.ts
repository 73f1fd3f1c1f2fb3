import { AuditActorType, AuditEventV1, AuditOutcome } from '@comply/contracts';
import type { OutgoingEvent } from './outbox';

export interface AuditActor {
  type: AuditActorType;
  id: string;
}

/** What happened, for the audit trail; the outcome defaults to success. */
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
