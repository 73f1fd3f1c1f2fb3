import type { AuditEventV1, AuditSource } from '@comply/contracts';
import { PLATFORM_LOG_ID } from '../database/schema';

/** What the trail records when an event names no service. */
export const UNKNOWN_SERVICE = 'unknown';

/**
 * The canonical entry: the JSON object whose RFC 8785 bytes are stored in `canonical` and hashed
 * into the leaf and the chain. Every other column of audit_log is derived from it.
 */
export interface CanonicalEntry {
  v: 1;
  log: string;
  sequence: number;
  eventId: string;
  /** Absent in the platform log. */
  tenantId?: string;
  /** ISO 8601 UTC with milliseconds. */
  occurredAt: string;
  recordedAt: string;
  actor: AuditEventV1['actor'];
  action: string;
  resource: AuditEventV1['resource'];
  outcome: AuditEventV1['outcome'];
  correlationId: string;
  source: AuditSource;
  details?: Record<string, unknown>;
}

/** The log an event belongs to: its tenant's, or the platform log. */
export function logIdOf(event: Pick<AuditEventV1, 'tenantId'>): string {
  return event.tenantId ?? PLATFORM_LOG_ID;
}

/** The entry for `event` at `sequence` of `log`, appended at `recordedAt`. Optional fields that are absent stay absent. */
export function canonicalEntryOf(event: AuditEventV1, eventId: string, log: string, sequence: number, recordedAt: Date): CanonicalEntry {
  return {
    v: 1,
    log,
    sequence,
    eventId,
    tenantId: event.tenantId,
    occurredAt: new Date(event.occurredAt).toISOString(),
    recordedAt: recordedAt.toISOString(),
    actor: { type: event.actor.type, id: event.actor.id },
    action: event.action,
    resource: event.resource.id === undefined ? { type: event.resource.type } : { type: event.resource.type, id: event.resource.id },
    outcome: event.outcome,
    correlationId: event.correlationId,
    source: sourceOf(event.source),
    details: event.details,
  };
}

function sourceOf(source: AuditSource | undefined): AuditSource {
  if (!source) return { service: UNKNOWN_SERVICE };
  return { service: source.service, host: source.host, ip: source.ip, userAgent: source.userAgent };
}
