import { whoamiResponse } from './directory-api';
import {
  auditEventList,
  auditEventsQuery,
  auditEntry,
  auditLogQuery,
  auditVerification,
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
  queryParameters,
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
  WhoamiResponse: whoamiResponse,
  ...PLATFORM_RESPONSE_SCHEMAS,
};

type SchemaName = keyof typeof RESPONSE_SCHEMAS;
const { returns, error } = componentReferences<SchemaName>();

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
