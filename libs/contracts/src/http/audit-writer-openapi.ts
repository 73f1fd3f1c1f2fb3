import { z } from 'zod';
import { COMPLIANCE_FRAMEWORKS } from '../compliance/compliance-catalog';
import { whoamiResponse } from './directory-api';
import {
  auditArchivalRun,
  auditArchivalRunQuery,
  auditArchiveList,
  auditArchivePartitionParams,
  auditArchivesQuery,
  auditArchiveVerification,
  auditCheckpoint,
  auditCheckpointsCreated,
  auditCheckpointsQuery,
  auditEventList,
  auditEventsQuery,
  auditEntry,
  auditExportHeader,
  auditExportQuery,
  auditExportTrailer,
  auditLogQuery,
  auditVerification,
  auditVerifierKey,
  complianceReport,
  complianceReportQuery,
  consistencyProof,
  consistencyProofQuery,
  inclusionProof,
  inclusionProofQuery,
} from './audit-api';
import {
  apiKeyErrors,
  componentReferences,
  componentSchemas,
  JsonObject,
  operationsPaths,
  PLATFORM_RESPONSE_SCHEMAS,
  PLATFORM_SECURITY_SCHEMES,
  adminErrors,
  withAdminToken,
  pathParameter,
  queryParameters,
  unauthenticated,
  whoamiPath,
  withPlatformErrors,
} from './openapi-builder';

/**
 * audit-writer's OpenAPI 3.1 document, generated from the zod contracts the service validates
 * with, so that the document and the service cannot disagree.
 */

const RESPONSE_SCHEMAS = {
  AuditEntry: auditEntry,
  AuditEventList: auditEventList,
  AuditVerification: auditVerification,
  InclusionProof: inclusionProof,
  ConsistencyProof: consistencyProof,
  AuditCheckpoint: auditCheckpoint,
  AuditCheckpointsCreated: auditCheckpointsCreated,
  AuditVerifierKey: auditVerifierKey,
  AuditExportHeader: auditExportHeader,
  AuditExportTrailer: auditExportTrailer,
  ComplianceReport: complianceReport,
  AuditArchivalRun: auditArchivalRun,
  AuditArchiveList: auditArchiveList,
  AuditArchiveVerification: auditArchiveVerification,
  WhoamiResponse: whoamiResponse,
  ...PLATFORM_RESPONSE_SCHEMAS,
};

type SchemaName = keyof typeof RESPONSE_SCHEMAS;
const { ref, returns, error } = componentReferences<SchemaName>();

/** A tenant's `read` key reads its own log; the admin token reads any log it names. */
const tenantKeyOrAdminToken = [{ apiKey: ['read'] }, { adminToken: [] }];

const readErrors = {
  ...apiKeyErrors,
  400: error('Invalid query parameter (`issues` names it), or the admin token named no log.'),
  404: error('No such log for this caller: another tenant\'s log, or (admin) a log nobody has written to.'),
};

function read(operationId: string, summary: string, description: string, query: Parameters<typeof queryParameters>[0], response: SchemaName, extra: JsonObject = {}): JsonObject {
  return {
    operationId,
    tags: ['audit'],
    summary,
    description,
    security: tenantKeyOrAdminToken,
    parameters: queryParameters(query),
    responses: { 200: returns('The answer.', response), ...readErrors, ...extra },
  };
}

function auditPaths(): JsonObject {
  return {
    '/v1/audit/events': {
      get: read(
        'listAuditEvents',
        'Entries of one log, filtered, in log order',
        'Each entry with its sequence, hashes (hex) and canonical bytes (base64), so a reader can recompute them. Pages never skip or repeat an entry.',
        auditEventsQuery,
        'AuditEventList',
      ),
    },
    '/v1/audit/verify': {
      get: read(
        'verifyAuditLog',
        'Whether a log is intact, and where it first breaks',
        'Reads the whole log in sequence order, checks the hash chain, each leaf hash and each entry\'s columns against its canonical bytes, ' +
          'and compares the Merkle root of the first treeSize entries with the latest signed checkpoint when there is one.',
        auditLogQuery,
        'AuditVerification',
      ),
    },
    '/v1/audit/proofs/inclusion': {
      get: read(
        'proveAuditInclusion',
        'RFC 6962 inclusion proof of one entry',
        'Check it offline: leafHash = SHA-256(0x00 ‖ canonical), then the path against the root of a signed checkpoint of treeSize.',
        inclusionProofQuery,
        'InclusionProof',
        { 404: error('No such log for this caller, or sequence or treeSize beyond the log.') },
      ),
    },
    '/v1/audit/export': {
      get: {
        operationId: 'exportAuditLog',
        tags: ['audit'],
        summary: 'A period of a log as NDJSON or CSV, streamed',
        description:
          'The entries whose recordedAt is in [from, to), in sequence order, as an attachment. NDJSON: a header line (`AuditExportHeader`: the signed ' +
          'checkpoint covering the last entry, or null), one line per entry (`type: "entry"`, sequence, canonical, leafHash, prevHash, hash and the ' +
          "entry's fields), a trailer line (`AuditExportTrailer`: inclusion proofs of the first and last entry in the checkpoint's tree); " +
          'tools/audit-verifier checks it offline. CSV (RFC 4180, CRLF): a header record and one record per entry; cells starting with = + - @ tab or CR ' +
          'get a leading apostrophe; the checkpoint note, when there is one, is in the `x-audit-checkpoint` header (base64). A connection cut mid-way ' +
          'means the export failed: an NDJSON file without its trailer is incomplete.',
        security: tenantKeyOrAdminToken,
        parameters: queryParameters(auditExportQuery),
        responses: {
          200: {
            description: 'The export, streamed.',
            headers: {
              'content-disposition': { description: 'attachment; filename="audit-<log>-<from>-<to>.<format>"', schema: { type: 'string' } },
              'x-audit-checkpoint': { description: 'CSV only: base64 of the signed checkpoint note covering the last entry, when there is one.', schema: { type: 'string' } },
            },
            content: {
              'application/x-ndjson': {
                schema: { type: 'string', description: 'Lines: one AuditExportHeader, the entries, one AuditExportTrailer.' },
                'x-line-schemas': [ref('AuditExportHeader'), ref('AuditExportTrailer')],
              },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          ...readErrors,
          400: error('Invalid query parameter (`issues` names it), `to` not after `from`, or the admin token named no log.'),
        },
      },
    },
    '/v1/audit/proofs/consistency': {
      get: read(
        'proveAuditConsistency',
        'RFC 6962 consistency proof between two tree sizes',
        'Shows that the tree of `from` entries is a prefix of the tree of `to` entries: a later checkpoint extends an earlier one.',
        consistencyProofQuery,
        'ConsistencyProof',
        { 400: error('Invalid query parameter, or from is greater than to.'), 404: error('No such log for this caller, or `to` beyond the log.') },
      ),
    },
    '/v1/audit/reports/{framework}': {
      get: {
        ...read(
          'complianceReport',
          'Compliance evidence of one log over a period, per control of a framework',
          'For each control of the framework (the controls core-store maps taxonomy labels to, and those the trail evidences), the audit entries of the period counted per kind of evidence ' +
            '(administrative actions, API key creation and revocation, data-key rotation, erasures), grouped in SQL, with the first and last time and up to 5 sequence numbers for inclusion proofs. ' +
            'Evidence no service writes to the trail yet is reported as "not collected". `format=html` answers a self-contained printable page with the same content.',
          complianceReportQuery,
          'ComplianceReport',
        ),
        parameters: [
          pathParameter('framework', z.enum(COMPLIANCE_FRAMEWORKS), 'The framework, in any case ("soc2", "iso27001", "hipaa", "gdpr").'),
          ...queryParameters(complianceReportQuery),
        ],
        responses: {
          ...readErrors,
          200: {
            description: 'The report: JSON by default, a printable HTML page with format=html.',
            content: { 'application/json': { schema: ref('ComplianceReport') }, 'text/html': { schema: { type: 'string' } } },
          },
          400: error('Invalid query parameter (`issues` names it: `from`, `to`, `format`, the log), or `to` is not after `from`.'),
          404: error('Unknown framework (the message names it and lists the known ones), or no such log for this caller.'),
        },
      },
    },
    '/v1/audit/checkpoints': {
      post: read(
        'createAuditCheckpoints',
        'Sign and store a checkpoint now',
        'A checkpoint of each log asked for (the admin token without `log`: every log) at its current size, signed with the audit key and stored create-only in blob storage. ' +
          'A log that has not grown since its last checkpoint gets that one back (`created: false`): a size is never signed twice. ' +
          'A log whose state does not extend its last checkpoint is refused and raises an alarm.',
        auditCheckpointsQuery,
        'AuditCheckpointsCreated',
        {
          404: error('No such log for this caller, or a log without entries.'),
          409: error('The one log asked for does not extend its last checkpoint (it was truncated or rewritten): nothing is signed.'),
        },
      ),
    },
    '/v1/audit/checkpoints/latest': {
      get: read(
        'latestAuditCheckpoint',
        'The latest signed checkpoint of a log',
        'The note as stored, and its fields. Check it offline with tools/audit-verifier and the verifier key.',
        auditLogQuery,
        'AuditCheckpoint',
        { 404: error('No such log for this caller, or no checkpoint of it yet.') },
      ),
    },
    '/v1/audit/archival/run': {
      post: {
        operationId: 'runAuditArchival',
        tags: ['audit'],
        summary: 'Archive the partitions past retention now',
        description:
          'Operators only. Each monthly partition whose range ends AUDIT_RETENTION_MONTHS before the current month, oldest first: every log in it covered by a signed checkpoint, ' +
          'one NDJSON slice per log (the export format) and a manifest written create-only to the archive container, every blob read back and verified, then the partition dropped. ' +
          'One run at a time across replicas (`ran: false` otherwise). A partition whose archive does not verify is kept, raises an alarm and stops the run. The same run happens daily.',
        security: withAdminToken,
        parameters: queryParameters(auditArchivalRunQuery),
        responses: { 200: returns('What the run did.', 'AuditArchivalRun'), 400: error('Invalid `dryRun`.'), ...adminErrors },
      },
    },
    '/v1/audit/archives': {
      get: read(
        'listAuditArchives',
        'The archived partitions of a log',
        'Per archived monthly partition: the log\'s sequences, end hashes, slice and manifest blobs and their SHA-256, the checkpoint the slice carries, and when it was verified and dropped.',
        auditArchivesQuery,
        'AuditArchiveList',
      ),
    },
    '/v1/audit/archives/{partition}/verify': {
      get: {
        ...read(
          'verifyAuditArchive',
          'Verify an archived partition of a log from blob storage',
          'Re-reads the log\'s slice and the manifest from the archive container and checks the chain, leaf hashes and fields of every entry, the inclusion of the first and last entries in the signed checkpoint, ' +
            'the SHA-256 and the counts and end hashes against the archive record.',
          auditLogQuery,
          'AuditArchiveVerification',
          { 404: error('No archive of this log in that partition, or no such log for this caller.') },
        ),
        parameters: [
          pathParameter('partition', auditArchivePartitionParams.shape.partition, 'The archived partition, audit_log_pYYYYMM.'),
          ...queryParameters(auditLogQuery),
        ],
      },
    },
    '/v1/audit/checkpoints/verifier-key': {
      get: {
        operationId: 'auditVerifierKey',
        tags: ['audit'],
        summary: 'The public key that signs checkpoints',
        description: 'Public, without authentication, so that tenants and auditors can pin it and check checkpoints without trusting this service afterwards.',
        security: unauthenticated,
        responses: { 200: returns('The verifier key.', 'AuditVerifierKey') },
      },
    },
  };
}

export function auditWriterOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'audit-writer API',
      version: '1',
      description:
        'The append-only, tamper-evident audit trail: one hash-chained log per tenant (and one platform log), each an RFC 6962 Merkle tree, ' +
        'with search, verification and proofs a tenant can check offline.',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'audit', description: "A tenant reading its own log with a `read` key; operators reading any log with the admin token." },
      { name: 'auth', description: 'Who an API key belongs to; every service answers the same.' },
      { name: 'operations', description: 'Health, metrics and this documentation; no authentication.' },
    ],
    paths: withPlatformErrors({ ...auditPaths(), ...whoamiPath(), ...operationsPaths() }),
    components: { schemas: componentSchemas(RESPONSE_SCHEMAS, 'output'), securitySchemes: PLATFORM_SECURITY_SCHEMES },
  };
}
