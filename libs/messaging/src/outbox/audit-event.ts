import { hostname } from 'node:os';
import { AuditActorType, AuditEventV1, AuditOutcome, AuditSource } from '@comply/contracts';
import { currentRequestContext, serviceIdentity } from '@comply/observability';
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
  /** Where it happened; what is left out comes from the HTTP request being served, if any (see {@link auditSourceOf}). */
  source?: Partial<AuditSource>;
  causationId?: string;
  traceparent?: string;
}

/** The contract's bounds (libs/contracts auditSource): longer values are cut rather than refused. */
const SOURCE_LIMITS = { service: 100, host: 255, ip: 64, userAgent: 512 } as const;

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
    source: auditSourceOf(facts.source),
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

/**
 * The event's source: the fields given, else those of the HTTP request in progress (the service
 * answering it, the client's IP and User-Agent), else the service this process runs (message
 * handlers, jobs), with this machine's host name. Undefined when no service is known at all:
 * audit-writer then records "unknown".
 */
export function auditSourceOf(given: Partial<AuditSource> = {}): AuditSource | undefined {
  const request = currentRequestContext();
  const service = bounded(given.service ?? request?.service ?? serviceIdentity(), 'service');
  if (!service) return undefined;
  return {
    service,
    host: bounded(given.host ?? hostname(), 'host'),
    ip: bounded(given.ip ?? request?.clientIp, 'ip'),
    userAgent: bounded(given.userAgent ?? request?.userAgent, 'userAgent'),
  };
}

function bounded(value: string | undefined, field: keyof typeof SOURCE_LIMITS): string | undefined {
  if (!value) return undefined;
  const cut = value.slice(0, SOURCE_LIMITS[field]);
  // A cut between the halves of a surrogate pair would leave text the contract refuses.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
