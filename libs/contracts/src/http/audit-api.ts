import { z } from 'zod';
import { COMPLIANCE_FRAMEWORKS } from '../compliance/compliance-catalog';
import { EVIDENCE_KINDS } from '../compliance/evidence-kinds';
import { AUDIT_ACTOR_TYPES, AUDIT_OUTCOMES, auditEventV1, auditSource } from '../events/audit-events';
import { boundedText, tenantId, timestamp } from '../events/shared-fields';
import { queryNumber } from './query-number';

/**
 * Query strings and responses of audit-writer's HTTP API. A tenant's API key reads its own log;
 * the admin token reads any log, named with `log` (a tenant id, or "platform") or `tenantId`.
 * Hashes are lower-case hex; canonical entry bytes are standard base64.
 */

/** The platform log: audit events without a tenant. */
export const PLATFORM_AUDIT_LOG = 'platform';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/).describe('SHA-256, lower-case hex.');
const treeSize = queryNumber(z.int().min(1).max(Number.MAX_SAFE_INTEGER));

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
    limit: queryNumber(z.int().min(1).max(500)).default(100).describe('Page size, 1 to 500.'),
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
    entriesChecked: z.int().min(0).describe('Entries whose leaf hashes went into the Merkle root: the archived ones (kept leaf hashes) and the live ones, each live one also checked link by link.'),
    archivedThrough: z
      .int()
      .min(1)
      .optional()
      .describe('Entries 1..archivedThrough were archived (GET /v1/audit/archives); the chain is checked from the first live entry, whose prev_hash must be the last archived entry\'s hash.'),
    checkpoint: z
      .strictObject({
        treeSize: z.int().min(1),
        rootHash: sha256Hex.describe('The root the checkpoint signed, hex.'),
        time: z.string().describe('When it was signed (the database clock), ISO 8601 UTC with milliseconds.'),
        matches: z
          .boolean()
          .describe('The Merkle root of the first treeSize entries equals rootHash. False also when the log breaks or ends before treeSize entries.'),
        lastMatchingTreeSize: z
          .int()
          .min(0)
          .optional()
          .describe(
            'When the entries chain intact but their root differs (the log was rewritten consistently): the largest tree size of an older checkpoint whose root the entries still match, 0 if none. ' +
              'The rewrite starts after that entry and at or before the first checkpoint that no longer matches; the roots alone cannot say which entry.',
          ),
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
    detail: z.string().optional().describe('What was found, in words, when the log is not intact.'),
  })
  .describe('Whether a log is intact.');
export type AuditVerification = z.infer<typeof auditVerification>;

export const inclusionProofQuery = z
  .strictObject({
    ...logSelector,
    sequence: queryNumber(z.int().min(1).max(Number.MAX_SAFE_INTEGER)).describe('The entry to prove.'),
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

export const AUDIT_EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

export const auditExportQuery = z
  .strictObject({
    ...logSelector,
    from: timestamp.describe('First instant of the period (inclusive), on recordedAt; ISO 8601 with offset, "+" encoded as %2B.'),
    to: timestamp.describe('End of the period (exclusive), on recordedAt; after `from`.'),
    format: z.enum(AUDIT_EXPORT_FORMATS).default('ndjson').describe('ndjson (verifiable: header with the signed checkpoint, entries, trailer with proofs) or csv (for spreadsheets).'),
  })
  .describe('The period of a log to export.');
export type AuditExportQuery = z.infer<typeof auditExportQuery>;

export const auditExportHeader = z
  .strictObject({
    type: z.literal('header'),
    logId: tenantId,
    from: z.string().describe('The period as requested, ISO 8601 UTC.'),
    to: z.string(),
    format: z.literal(1).describe('Version of this export format.'),
    checkpoint: z
      .string()
      .nullable()
      .describe('The C2SP signed note of the latest checkpoint, when it covers the last exported entry; null when none does (yet).'),
  })
  .describe('First line of an NDJSON export.');
export type AuditExportHeader = z.infer<typeof auditExportHeader>;

const exportProof = inclusionProof.describe('Inclusion proof of an exported entry in the tree of the header\'s checkpoint.');

export const auditExportTrailer = z
  .strictObject({
    type: z.literal('trailer'),
    entries: z.int().min(0).describe('Entry lines in the export.'),
    firstSequence: z.int().min(1).nullable(),
    lastSequence: z.int().min(1).nullable(),
    inclusion: z
      .strictObject({ first: exportProof, last: exportProof })
      .nullable()
      .describe('With the first and last entries, and every entry between, these prove the whole slice part of the checkpoint\'s tree; null without a checkpoint or entries.'),
  })
  .describe('Last line of an NDJSON export; a file without it was cut short.');
export type AuditExportTrailer = z.infer<typeof auditExportTrailer>;

export const COMPLIANCE_REPORT_FORMATS = ['json', 'html'] as const;

/** What a report shows instead of a count for evidence no service writes to the trail yet. */
export const NOT_COLLECTED = 'not collected';

export const complianceReportQuery = z
  .strictObject({
    ...logSelector,
    from: timestamp.describe('Start of the period, inclusive: entries whose occurredAt is at or after it (ISO 8601 with offset; encode "+" as %2B).'),
    to: timestamp.describe('End of the period, exclusive; after `from`.'),
    format: z.enum(COMPLIANCE_REPORT_FORMATS).default('json').describe('"json" (default), or "html": a self-contained printable page with the same content.'),
  })
  .describe('The log and period of a compliance report.');
export type ComplianceReportQuery = z.infer<typeof complianceReportQuery>;

const evidenceCount = z
  .union([z.int().min(0), z.literal(NOT_COLLECTED)])
  .describe(
    'Entries in the period that are this evidence (for failed authentication, whose entries each aggregate refusals, the sum of their details.count), or "not collected" when no service writes it to the trail yet (never a 0 standing in for it).',
  );

export const complianceEvidence = z
  .strictObject({
    kind: z.enum(EVIDENCE_KINDS),
    title: z.string(),
    count: evidenceCount,
    notCollectedReason: z.string().optional().describe('Why the trail holds no such evidence, when count is "not collected".'),
    firstAt: z.string().optional().describe('occurredAt of the earliest such entry in the period.'),
    lastAt: z.string().optional().describe('occurredAt of the latest such entry in the period.'),
    sampleSequences: z
      .array(z.int().min(1))
      .max(5)
      .describe('Sequence numbers of up to 5 such entries (the first in the log): ask GET /v1/audit/proofs/inclusion for their proofs.'),
  })
  .describe('One kind of evidence of a control, counted from the trail.');
export type ComplianceEvidence = z.infer<typeof complianceEvidence>;

export const complianceReport = z
  .strictObject({
    framework: z.enum(COMPLIANCE_FRAMEWORKS),
    frameworkTitle: z.string(),
    logId: tenantId,
    period: z.strictObject({ from: z.string(), to: z.string() }).describe('[from, to) on occurredAt, ISO 8601 UTC.'),
    generatedAt: z.string(),
    checkpoint: z
      .strictObject({ treeSize: z.int().min(1), rootHash: sha256Hex })
      .optional()
      .describe('The latest signed checkpoint of the log when the report was made, if any: sample entries up to treeSize can be proven against its root.'),
    controls: z.array(
      z.strictObject({
        id: z.string(),
        title: z.string(),
        labels: z.array(z.string()).describe('Taxonomy labels core-store maps to the control; empty for a control the trail evidences that no label maps to.'),
        note: z.string().optional(),
        evidence: z.array(complianceEvidence),
      }),
    ),
    totals: z
      .strictObject({
        entries: z.int().min(0).describe('All entries of the log in the period.'),
        evidenceEntries: z.int().min(0).describe('Entries in the period that are evidence of at least one control of the framework.'),
        byKind: z.partialRecord(z.enum(EVIDENCE_KINDS), evidenceCount).describe('Each kind of evidence the framework uses, counted once however many controls use it.'),
      })
      .describe('Counts over the whole report.'),
  })
  .describe('Evidence from one audit log, for each control of a framework, over a period.');
export type ComplianceReport = z.infer<typeof complianceReport>;

export const auditCheckpoint = z
  .strictObject({
    logId: tenantId,
    treeSize: z.int().min(1).describe('The log\'s entries 1..treeSize.'),
    rootHash: sha256Hex.describe('RFC 6962 root of that tree, hex (the note has it in base64).'),
    time: z.string().describe('When it was signed (the database clock), ISO 8601 UTC with milliseconds.'),
    note: z
      .string()
      .describe('The C2SP signed note exactly as stored: origin `comply-ai/audit/<log id>`, size, base64 root, `time …`, a blank line, signature lines. Save it as a .note file for tools/audit-verifier.'),
  })
  .describe('A signed checkpoint of one log.');
export type AuditCheckpointResponse = z.infer<typeof auditCheckpoint>;

export const auditCheckpointsCreated = z
  .strictObject({
    checkpoints: z.array(
      auditCheckpoint.extend({
        created: z.boolean().describe('Signed and stored now; false: the log has not grown since this checkpoint, which is returned instead.'),
      }),
    ),
    refused: z
      .array(z.strictObject({ logId: tenantId, reason: z.string() }))
      .describe('Logs not signed because their state does not extend their last checkpoint (an alarm is raised); empty normally.'),
  })
  .describe('The current checkpoint of each log asked for; logs without entries have none.');
export type AuditCheckpointsCreated = z.infer<typeof auditCheckpointsCreated>;

export const auditCheckpointsQuery = z
  .strictObject(logSelector)
  .describe('With the admin token: one log (`log` or `tenantId`), or every log when neither is given. A tenant key: its own log.');
export type AuditCheckpointsQuery = z.infer<typeof auditCheckpointsQuery>;

export const auditVerifierKey = z
  .strictObject({
    verifierKey: z.string().describe('C2SP verifier key `<key name>+<key id hex>+<base64(0x01 ‖ Ed25519 public key)>`: pass it to tools/audit-verifier as --vkey.'),
    keyName: z.string(),
    keyId: z.string().regex(/^[0-9a-f]{8}$/).describe('First 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key), hex.'),
    algorithm: z.literal('ed25519'),
    originPrefix: z.literal('comply-ai/audit/').describe('Checkpoint origins are this prefix and the log id.'),
  })
  .describe('The public key checkpoints are signed with. Fetch it once, keep it, and check every checkpoint against it.');
export type AuditVerifierKey = z.infer<typeof auditVerifierKey>;

const partitionName = z
  .string()
  .regex(/^audit_log_p\d{6}$/)
  .describe('A monthly partition of the log, audit_log_pYYYYMM (UTC month of recording).');

export const auditArchivalRunQuery = z
  .strictObject({
    dryRun: z
      .enum(['true', 'false'])
      .default('false')
      .describe('true: list what would be archived, write and drop nothing.'),
  })
  .describe('One archival run.');
export type AuditArchivalRunQuery = z.infer<typeof auditArchivalRunQuery>;

export const AUDIT_ARCHIVAL_OUTCOMES = ['archived', 'would-archive', 'awaiting-handoff', 'refused'] as const;

export const auditArchivalRun = z
  .strictObject({
    ran: z.boolean().describe('False: another replica holds the archival lock; nothing was done.'),
    dryRun: z.boolean(),
    retentionMonths: z.int().min(1),
    cutoff: z.string().describe('Partitions whose range ends at or before this instant (the current UTC month\'s start minus the retention) are archived.'),
    partitions: z.array(
      z.strictObject({
        partition: partitionName,
        from: z.string(),
        to: z.string(),
        logs: z.int().min(0),
        entries: z.int().min(0),
        outcome: z.enum(AUDIT_ARCHIVAL_OUTCOMES).describe('archived: exported, read back, verified and dropped; would-archive: a dry run; awaiting-handoff: archived and verified, kept until the archive backup-worker makes of it completed (AUDIT_ARCHIVE_HANDOFF); refused: kept, see reason (an alarm is raised).'),
        reason: z.string().optional(),
      }),
    ),
  })
  .describe('What an archival run did. It stops at the first refused partition.');
export type AuditArchivalRun = z.infer<typeof auditArchivalRun>;

export const auditArchivesQuery = z.strictObject(logSelector).describe('The log whose archives to list.');
export type AuditArchivesQuery = z.infer<typeof auditArchivesQuery>;

export const auditArchive = z
  .strictObject({
    partition: partitionName,
    from: z.string().describe('The partition\'s range of recordedAt, [from, to), ISO 8601 UTC.'),
    to: z.string(),
    logId: tenantId,
    firstSequence: z.int().min(1),
    lastSequence: z.int().min(1),
    entries: z.int().min(1),
    firstPrevHash: sha256Hex,
    lastHash: sha256Hex.describe('hash of the last archived entry: the prev_hash of the next one.'),
    slice: z.string().describe('Blob name of the log\'s slice (the NDJSON export format) in the archive container.'),
    sliceSha256: sha256Hex,
    manifest: z.string().describe('Blob name of the partition\'s manifest.'),
    checkpointSize: z.int().min(1).describe('Tree size of the signed checkpoint the slice carries.'),
    verifiedAt: z.string().nullable().describe('When every blob of the partition was read back and verified.'),
    droppedAt: z.string().nullable().describe('When the partition left the database; null while it is still there.'),
  })
  .describe('One log\'s part of an archived partition.');
export type AuditArchiveResponse = z.infer<typeof auditArchive>;

export const auditArchiveList = z.strictObject({ logId: tenantId, archives: z.array(auditArchive) }).describe('The archived partitions of a log, oldest first.');
export type AuditArchiveList = z.infer<typeof auditArchiveList>;

export const auditArchiveVerification = z
  .strictObject({
    partition: partitionName,
    logId: tenantId,
    intact: z.boolean().describe('The slice and manifest were read from blob storage and fit each other and the archive record.'),
    entries: z.int().min(0).describe('Entry lines read from the slice.'),
    sha256: sha256Hex.optional().describe('SHA-256 of the slice as read.'),
    checkpointSize: z.int().min(1).optional(),
    problem: z.string().optional().describe('The first problem found, when not intact.'),
  })
  .describe('An archived slice verified from blob storage: chain, leaf hashes, fields, inclusion of its first and last entries in its signed checkpoint, SHA-256 and counts.');
export type AuditArchiveVerification = z.infer<typeof auditArchiveVerification>;

/** The path parameters of an archive's routes. */
export const auditArchivePartitionParams = z.strictObject({ partition: partitionName });
