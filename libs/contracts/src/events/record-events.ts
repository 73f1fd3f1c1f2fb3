import { z } from 'zod';
import { boundedText, detector, requestId, taxonomyLabels, tenantId, timestamp, unitInterval } from './shared-fields';

const recordId = boundedText(200).describe('Identifier core-store gave the stored record.');

/**
 * A mapping result was stored. Carries no sensitive data (no sourceData, metadata or provenance):
 * billing meters it, analytics counts it, backup-worker picks the record up from core-store.
 */
export const recordStoredV1 = z
  .strictObject({
    tenantId,
    recordId,
    requestId,
    detector,
    taxonomy: taxonomyLabels.describe('Taxonomy labels of the stored result.'),
    confidence: unitInterval.describe('Confidence in [0, 1] of the stored result.'),
    modelVersion: boundedText(100).describe('Version of the mapping model that produced the result.'),
    latencyMs: z.number().nonnegative().optional().describe("Time the mapping took, in milliseconds, as the producer reported it (mapping.result.v1's latencyMs); absent from older producers."),
    storedAt: timestamp.describe('When core-store committed the record: ISO 8601 with offset.'),
  })
  .describe('record.stored.v1: core-store stored a mapping result. Topic core-events. No sensitive data.');
export type RecordStoredV1 = z.infer<typeof recordStoredV1>;

export const RECORD_DELETION_REASONS = ['request', 'retention', 'tenant_erasure'] as const;
export type RecordDeletionReason = (typeof RECORD_DELETION_REASONS)[number];

export const recordDeletedV1 = z
  .strictObject({
    tenantId,
    recordId,
    reason: z
      .enum(RECORD_DELETION_REASONS)
      .describe('Why: "request" (an API call), "retention" (the tenant\'s retention period ran out), "tenant_erasure" (the whole tenant was erased).'),
    deletedAt: timestamp.describe('When core-store deleted the record: ISO 8601 with offset.'),
  })
  .describe('record.deleted.v1: core-store deleted a record. Topic core-events.');
export type RecordDeletedV1 = z.infer<typeof recordDeletedV1>;
