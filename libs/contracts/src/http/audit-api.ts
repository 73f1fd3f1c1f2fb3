import { z } from 'zod';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, auditEventV1, auditSource } from '../events/audit-events';
import { boundedText, tenantId, timestamp } from '../events/shared-fields';

/**
 * Query strings and responses of audit-writer's HTTP API. A tenant's API key reads its own log;
 * the admin token reads any log, named with `log` (a tenant id, or "platform") or `tenantId`.
 * Hashes are lower-case hex; canonical entry bytes are standard base64.
 */

const queryInteger = (schema: z.ZodInt) => z.coerce.number().pipe(schema);

/** The platform log: audit events without a tenant. */
export const PLATFORM_AUDIT_LOG = 'platform';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256, lower-case hex.');
const treeSize = queryInteger(z.int().min(1).max(Number.MAX_SAFE_INTEGER));

/** Which log a request reads; the admin token must name one, a tenant key may only name its own. */
const logSelector = {
  log: tenantId.optional().describe('With the admin token: the log to read, a tenant id or "platform". A tenant key reads its own log and may leave it out.'),
  tenantId: tenantId.optional().describe('With the admin token: the tenant whose log to read (the same as `log`).'),
};

export const auditEventsQuery = z
  .strictObject({
    ...logSelector,
    from: timestamp.optional().describe('Only entries whose occurredAt is at or after this instant (ISO 8601 with offset; encode "+" as %2B).'),
    to: timestamp.optional().describe('Only entries whose occurredAt is before this instant.'),
    actorType: z.enum(AUDIT_ACTOR_TYPES).optional().describe('Only entries by this kind of actor.'),
    actorId: boundedText(200).optional().describe('Only entries by this actor id.'),
    action: boundedText(100).optional().describe('Only entries of this action, e.g. "api_key.create".'),
    resourceType: boundedText(100).optional().describe('Only entries on this kind of resource.'),
    resourceId: boundedText(200).optional().describe('Only entries on this resource id.'),
    correlationId: boundedText(200).optional().describe('Only entries of this correlation id.'),
    outcome: z.enum(AUDIT_OUTCOMES).optional().describe('Only entries with this outcome.'),
    limit: queryInteger(z.int().min(1).max(500)).default(100).describe('Page size, 1 to 500.'),
    cursor: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/)
      .optional()
      .describe('`nextCursor` of the previous page.'),
  })
  .describe('Filters of GET /v1/audit/events; entries in log order (sequence ascending).');
export type AuditEventsQuery = z.infer<typeof auditEventsQuery>;

export const auditEntry = z
  .strictObject({
    log: tenantId.describe('The log: the tenant id, or "platform".'),
    sequence: z.int().min(1).describe('Position in the log, from 1; the Merkle leaf index is sequence - 1.'),
    eventId: z.string().describe('Message id of the audit event.'),
    tenantId: tenantId.optional().describe('Absent in the platform log.'),
    occurredAt: z.string().describe('When the action happened (the producer\'s clock), ISO 8601 UTC with milliseconds.'),
    recordedAt: z.string().describe('When the entry was appended (the database clock), ISO 8601 UTC with milliseconds.'),
    actor: auditEventV1.shape.actor,
    action: z.string(),
    resource: auditEventV1.shape.resource,
    outcome: z.enum(AUDIT_OUTCOMES),
    correlationId: z.string(),
    source: auditSource,
    details: z.record(z.string(), z.unknown()).optional(),
    canonical: z.base64().describe('The RFC 8785 bytes of the entry (all the fields above but the hashes), base64: what the hashes cover.'),
    leafHash: sha256Hex.describe('RFC 6962 leaf hash: SHA-256(0x00 ‖ canonical), hex.'),
    prevHash: sha256Hex.describe('`hash` of the previous entry; 64 zeros for sequence 1.'),
    hash: sha256Hex.describe('Chain hash: SHA-256(prevHash ‖ canonical), hex.'),
  })
  .describe('One entry of an audit log.');
export type AuditEntryResponse = z.infer<typeof auditEntry>;

export const auditEventList = z
  .strictObject({
    items: z.array(auditEntry),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  })
  .describe('One page of audit entries.');
export type AuditEventList = z.infer<typeof auditEventList>;

export const auditLogQuery = z.strictObject(logSelector).describe('The log to verify.');
export type AuditLogQuery = z.infer<typeof auditLogQuery>;

export const AUDIT_BREAK_REASONS = [
  'sequence-gap',
  'sequence-out-of-order',
  'hash-mismatch',
  'prev-link-mismatch',
  'inserted',
  'reordered',
  'leaf-hash-mismatch',
  'content-mismatch',
  'truncated',
] as const;
export type AuditBreakReason = (typeof AUDIT_BREAK_REASONS)[number];

export const auditVerification = z
  .strictObject({
    logId: tenantId,
    intact: z.boolean().describe('Every entry links, hashes and matches its columns, and the latest checkpoint (if any) matches.'),
    entriesChecked: z.int().min(0),
    checkpoint: z
      .strictObject({
        treeSize: z.int().min(1),
        rootHash: sha256Hex.describe('The root the checkpoint signed, hex.'),
        matches: z.boolean().describe('The Merkle root of the first treeSize entries equals rootHash.'),
      })
      .optional()
      .describe('The latest signed checkpoint of the log, when there is one.'),
    firstBroken: z
      .strictObject({
        sequence: z.int().min(1),
        reason: z
          .enum(AUDIT_BREAK_REASONS)
          .describe(
            'sequence-gap, sequence-out-of-order, inserted, reordered, prev-link-mismatch: entries missing, added or moved; hash-mismatch: the canonical bytes or hash changed; ' +
              'leaf-hash-mismatch: the stored leaf hash does not hash the canonical bytes; content-mismatch: a column differs from the canonical bytes; truncated: the log ends before the checkpoint.',
          ),
      })
      .optional()
      .describe('The first entry that does not fit, when the log is not intact.'),
  })
  .describe('Whether a log is intact.');
export type AuditVerification = z.infer<typeof auditVerification>;

export const inclusionProofQuery = z
  .strictObject({
    ...logSelector,
    sequence: queryInteger(z.int().min(1).max(Number.MAX_SAFE_INTEGER)).describe('The entry to prove.'),
    treeSize: treeSize.optional().describe('The tree to prove it in (e.g. a checkpoint\'s size); default the whole log.'),
  })
  .describe('Which entry to prove in which tree.');
export type InclusionProofQuery = z.infer<typeof inclusionProofQuery>;

export const inclusionProof = z
  .strictObject({
    logId: tenantId,
    sequence: z.int().min(1),
    treeSize: z.int().min(1),
    canonical: z.base64().describe('The entry\'s RFC 8785 bytes, base64.'),
    leafHash: sha256Hex,
    path: z.array(sha256Hex).describe('RFC 6962 audit path from the leaf up, hex; leaf index = sequence - 1.'),
  })
  .describe('An RFC 6962 inclusion proof of one entry, checkable with the root of a signed checkpoint of treeSize.');
export type InclusionProofResponse = z.infer<typeof inclusionProof>;

export const consistencyProofQuery = z
  .strictObject({
    ...logSelector,
    from: treeSize.describe('The older tree size.'),
    to: treeSize.describe('The newer tree size, at most the log\'s size.'),
  })
  .describe('Which two tree sizes to prove consistent.');
export type ConsistencyProofQuery = z.infer<typeof consistencyProofQuery>;

export const consistencyProof = z
  .strictObject({
    logId: tenantId,
    oldSize: z.int().min(1),
    newSize: z.int().min(1),
    path: z.array(sha256Hex).describe('RFC 6962 consistency proof, hex.'),
  })
  .describe('An RFC 6962 consistency proof: the tree of oldSize is a prefix of the tree of newSize.');
export type ConsistencyProofResponse = z.infer<typeof consistencyProof>;
