import type { AuditEntryResponse, AuditOutcome, AuditActorType } from '@comply/contracts';
import type { AuditLogRow } from '../database/schema';
import { CanonicalEntry } from './audit-entry';

/**
 * The canonical entry as a stored row's columns describe it. For an untouched row its RFC 8785
 * bytes equal the row's `canonical`: verification compares them, so a column changed behind the
 * hashes' back is found too.
 */
export function canonicalEntryOfRow(row: AuditLogRow): CanonicalEntry {
  return {
    v: 1,
    log: row.logId,
    sequence: row.sequence,
    eventId: row.eventId,
    tenantId: row.tenantId ?? undefined,
    occurredAt: row.occurredAt.toISOString(),
    recordedAt: row.recordedAt.toISOString(),
    actor: { type: row.actorType as AuditActorType, id: row.actorId },
    action: row.action,
    resource: row.resourceId === null ? { type: row.resourceType } : { type: row.resourceType, id: row.resourceId },
    outcome: row.outcome as AuditOutcome,
    correlationId: row.correlationId,
    source: {
      service: row.service,
      host: row.host ?? undefined,
      ip: row.sourceIp ?? undefined,
      userAgent: row.userAgent ?? undefined,
    },
    details: row.details ?? undefined,
  };
}

/** A stored entry as the API answers it: its fields, hashes in hex, canonical bytes in base64. */
export function entryResponseOf(row: AuditLogRow): AuditEntryResponse {
  const { v: _version, ...entry } = canonicalEntryOfRow(row);
  return {
    ...entry,
    canonical: row.canonical.toString('base64'),
    leafHash: row.leafHash.toString('hex'),
    prevHash: row.prevHash.toString('hex'),
    hash: row.hash.toString('hex'),
  };
}
