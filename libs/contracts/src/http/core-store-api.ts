import { z } from 'zod';
import { API_KEY_SCOPES, TENANT_STATUSES } from '../events/directory-events';
import { MAX_MAPPINGS_PER_BATCH, mappingSubmissionV1 } from '../events/mapping-events';
import { boundedText, detector, nonNegativeInt32, requestId, taxonomyLabel, taxonomyLabels, tenantId, timestamp, unitInterval } from '../events/shared-fields';
import { storableText } from '../fields/storable-text';
import { queryNumber } from './query-number';

export { errorResponse, type ErrorResponse } from './error-response';
export { API_KEY_SCOPES, TENANT_STATUSES, type ApiKeyScope, type TenantStatus } from '../events/directory-events';

/**
 * Bodies, query strings and responses of core-store's HTTP API. The service validates with these
 * schemas and its OpenAPI document is generated from them, so the two cannot disagree.
 */

/** The same limit as a mapping.batch.v1 message. */
export const MAX_MAPPINGS_PER_REQUEST = MAX_MAPPINGS_PER_BATCH;

export const BACKUP_STATUSES = ['pending', 'backed_up', 'failed'] as const;
export type BackupStatus = (typeof BACKUP_STATUSES)[number];

const recordId = z.uuid().describe('Record id (a UUIDv7, so ids sort by storage time).');

export const ingestResponse = z
  .strictObject({
    records: z
      .array(
        z.strictObject({
          requestId,
          recordId,
          status: z
            .enum(['stored', 'duplicate'])
            .describe('"stored": new record; "duplicate": this tenant already stored this requestId, and recordId is that record.'),
        }),
      )
      .describe('One entry per submitted mapping, in submission order.'),
  })
  .describe('Accepted: the records are stored and their events are queued.');
export type IngestResponse = z.infer<typeof ingestResponse>;

const recordFields = {
  id: recordId,
  requestId,
  detector,
  modelVersion: boundedText(100),
  taxonomy: taxonomyLabels,
  scores: z.record(taxonomyLabel, unitInterval),
  confidence: unitInterval,
  latencyMs: z.number().nonnegative(),
  occurredAt: timestamp.describe('When the producer made the mapping.'),
  createdAt: timestamp.describe('When core-store stored it.'),
  expiresAt: timestamp.describe('When retention deletes it.'),
  backup: z
    .strictObject({
      status: z.enum(BACKUP_STATUSES),
      backupId: z.string().nullable().describe('The backup run that covered the record (or failed to).'),
    })
    .describe('Whether a completed backup holds the record.'),
};

export const recordSummary = z.strictObject(recordFields).describe('A stored record without its payloads: what listings return.');
export type RecordSummary = z.infer<typeof recordSummary>;

export const storedRecord = z
  .strictObject({
    ...recordFields,
    correlationId: z.string().describe('Correlation id of the request or message that stored the record.'),
    sourceData: mappingSubmissionV1.shape.sourceData.describe('The detector output, decrypted for this response.'),
    metadata: mappingSubmissionV1.shape.metadata.unwrap().nullable(),
    provenance: mappingSubmissionV1.shape.provenance.unwrap().nullable(),
  })
  .describe('A stored mapping result, sensitive fields decrypted.');
export type StoredRecord = z.infer<typeof storedRecord>;

export const recordListQuery = z
  .strictObject({
    detector: boundedText(100).optional().describe('Only records of this detector name.'),
    taxonomy: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/)
      .optional()
      .describe('Only records with a label equal to or under this one: "PII" matches "PII.Contact.Email".'),
    modelVersion: boundedText(100).optional().describe('Only records of this model version.'),
    minConfidence: queryNumber(unitInterval).optional().describe('Only records with confidence >= this.'),
    maxConfidence: queryNumber(unitInterval).optional().describe('Only records with confidence <= this.'),
    from: timestamp.optional().describe('Only records stored at or after this time.'),
    to: timestamp.optional().describe('Only records stored before this time.'),
    limit: queryNumber(z.number().int().min(1).max(500)).default(50).describe('Page size, 1 to 500.'),
    cursor: storableText().max(200).optional().describe('`nextCursor` of the previous page.'),
  })
  .describe('Filters of GET /v1/records; newest first, ties broken by id, so pages never skip or repeat a record.');
export type RecordListQuery = z.infer<typeof recordListQuery>;

export const recordList = z.strictObject({
  items: z.array(recordSummary),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
});
export type RecordList = z.infer<typeof recordList>;

const retentionDays = z.int().min(1).max(3650).describe('Days a record is kept after it is stored.');
const plan = boundedText(50).describe('Billing plan name, e.g. "free", "pro".');

export const createTenantRequest = z.strictObject({
  id: tenantId,
  name: boundedText(200).describe('Display name.'),
  plan: plan.optional(),
  retentionDays: retentionDays.optional(),
});
export type CreateTenantRequest = z.infer<typeof createTenantRequest>;

export const updateTenantRequest = z
  .strictObject({
    name: boundedText(200).optional(),
    plan: plan.optional(),
    status: z.enum(['active', 'suspended']).optional().describe('"suspended" refuses the tenant\'s API keys and its bus messages.'),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to change: give name, plan or status' });
export type UpdateTenantRequest = z.infer<typeof updateTenantRequest>;

export const tenantResponse = z.strictObject({
  id: tenantId,
  name: z.string(),
  plan: z.string(),
  status: z.enum(TENANT_STATUSES),
  createdAt: timestamp,
});
export type TenantResponse = z.infer<typeof tenantResponse>;

export const tenantConfigUpdate = z
  .strictObject({
    retentionDays: retentionDays.optional(),
    allowedDetectors: z.array(boundedText(100)).max(200).nullable().optional().describe('Detector names accepted; null: all.'),
    defaultModelVersion: boundedText(100).nullable().optional(),
    monthlyRecordQuota: nonNegativeInt32().nullable().optional().describe('Overrides the quota from billing until its next change; null: no limit.'),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to change' });
export type TenantConfigUpdate = z.infer<typeof tenantConfigUpdate>;

export const tenantConfigResponse = z.strictObject({
  tenantId,
  retentionDays: z.int(),
  allowedDetectors: z.array(z.string()).nullable(),
  defaultModelVersion: z.string().nullable(),
  encryptionKeyId: z.string().nullable(),
  monthlyRecordQuota: z.int().nullable(),
  quotaPlan: z.string().nullable(),
  version: z.int().describe('Increases with every change.'),
  updatedAt: timestamp,
});
export type TenantConfigResponse = z.infer<typeof tenantConfigResponse>;

const scopes = z
  .array(z.enum(API_KEY_SCOPES))
  .min(1)
  .refine((list) => new Set(list).size === list.length, { message: 'Scopes must not repeat' })
  .describe('"ingest": POST /v1/mappings; "read": GET records; "admin": DELETE records.');

export const createApiKeyRequest = z.strictObject({ name: boundedText(100), scopes });
export type CreateApiKeyRequest = z.infer<typeof createApiKeyRequest>;

export const apiKeyResponse = z.strictObject({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('Public part of the key, shown in listings.'),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
});
export type ApiKeyResponse = z.infer<typeof apiKeyResponse>;

export const createdApiKeyResponse = apiKeyResponse.extend({
  key: z.string().describe('The key itself. Shown only in this response; only its hash is stored.'),
});
export type CreatedApiKeyResponse = z.infer<typeof createdApiKeyResponse>;

export const tenantErasureResponse = z.strictObject({
  tenantId,
  status: z.literal('erased'),
  destroyedKeys: z.int().describe('Data keys destroyed: every encrypted value of the tenant is unreadable from now on.'),
});
export type TenantErasureResponse = z.infer<typeof tenantErasureResponse>;


const labelPath = z
  .string()
  .max(200)
  .regex(/^[A-Za-z0-9]+(\.[A-Za-z0-9]+)*$/);

export const taxonomyQuery = z.strictObject({
  under: labelPath.optional().describe('Only this label and those below it, e.g. "PII".'),
});
export type TaxonomyQuery = z.infer<typeof taxonomyQuery>;

export const taxonomyLabelList = z
  .strictObject({
    items: z.array(
      z.strictObject({
        label: z.string(),
        parent: z.string().nullable().describe('The label one level up; null for a root.'),
        description: z.string(),
        aliases: z.array(z.string()).describe('Names detectors use for the same thing, e.g. "US_SSN".'),
        scope: z.enum(['global', 'tenant']).describe('"global": the platform seed; "tenant": defined by this tenant.'),
      }),
    ),
  })
  .describe('Taxonomy labels visible to the tenant, ordered by label.');
export type TaxonomyLabelList = z.infer<typeof taxonomyLabelList>;

export const complianceMappingQuery = z.strictObject({
  label: labelPath.describe('A taxonomy label; controls mapped to it or to any label above it apply.'),
  framework: boundedText(50).optional().describe('Only this framework, e.g. "SOC2", "ISO27001", "HIPAA", "GDPR", "PCI-DSS".'),
});
export type ComplianceMappingQuery = z.infer<typeof complianceMappingQuery>;

export const complianceMappingList = z
  .strictObject({
    items: z.array(
      z.strictObject({
        taxonomyLabel: z.string().describe('The label the control is mapped to (the one asked for, or an ancestor).'),
        framework: z.string(),
        controlId: z.string().describe('e.g. "CC6.1", "A.8.11", "164.312(a)(1)".'),
        description: z.string(),
        scope: z.enum(['global', 'tenant']),
      }),
    ),
  })
  .describe('Framework controls that apply to a taxonomy label, ordered by framework and control.');
export type ComplianceMappingList = z.infer<typeof complianceMappingList>;

export const dataKeyRotationResponse = z
  .strictObject({
    tenantId,
    keyId: z.string().describe('The new data key: new values are encrypted with it; existing values keep theirs.'),
  })
  .describe("The tenant's data key was rotated.");
export type DataKeyRotationResponse = z.infer<typeof dataKeyRotationResponse>;

export const keyRewrapResponse = z
  .strictObject({
    keyEncryptionKeyId: z.string().describe('The key-encryption key version every data key is now wrapped by.'),
    rewrapped: z.int().nonnegative().describe('Data keys re-wrapped (those still under an older version).'),
  })
  .describe('Data keys were re-wrapped under the current key-encryption key version; no record was rewritten.');
export type KeyRewrapResponse = z.infer<typeof keyRewrapResponse>;
