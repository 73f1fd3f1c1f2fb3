import type { AuditEntryResponse, AuditOutcome, AuditActorType } from '@comply/contracts';
import type { AuditLogRow } from '../database/schema';
import { canonicalJson } from '../ledger/canonical-json';
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

/**
 * The RFC 8785 bytes of {@link canonicalEntryOfRow}, written for the entry's fixed shape: members
 * in the sorted order RFC 8785 requires, strings escaped as JSON.stringify does (which is RFC
 * 8785's escaping), only `details` through the general canonicalizer. Verification compares every
 * row with it, and the general path spends half of verification's time finding the order of keys
 * that never change. Throws where canonicalJson would (text that is not I-JSON in `details`).
 */
export function canonicalBytesOfRow(row: AuditLogRow): Buffer {
  const member = (name: string, value: string | undefined | null) => (value === undefined || value === null ? '' : `"${name}":${JSON.stringify(value)},`);
  const resource = `{${member('id', row.resourceId)}"type":${JSON.stringify(row.resourceType)}}`;
  const source = `{${member('host', row.host)}${member('ip', row.sourceIp)}"service":${JSON.stringify(row.service)}${row.userAgent === null ? '' : `,"userAgent":${JSON.stringify(row.userAgent)}`}}`;
  const json =
    `{"action":${JSON.stringify(row.action)},"actor":{"id":${JSON.stringify(row.actorId)},"type":${JSON.stringify(row.actorType)}},` +
    `"correlationId":${JSON.stringify(row.correlationId)},${row.details === null ? '' : `"details":${canonicalJson(row.details)},`}` +
    `"eventId":${JSON.stringify(row.eventId)},"log":${JSON.stringify(row.logId)},"occurredAt":"${row.occurredAt.toISOString()}",` +
    `"outcome":${JSON.stringify(row.outcome)},` +
    `"recordedAt":"${row.recordedAt.toISOString()}","resource":${resource},"sequence":${JSON.stringify(row.sequence)},"source":${source},` +
    `${member('tenantId', row.tenantId)}"v":1}`;
  return Buffer.from(json, 'utf8');
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
