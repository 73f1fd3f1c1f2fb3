import type { RecordSummary, StoredRecord } from '@comply/contracts';
import type { RecordRow, RecordSummaryRow } from './records.repository';

/**
 * A stored record as the cache holds it: the response fields, but source data still as its
 * ciphertext, so Redis never holds plaintext. JSON-safe (timestamps as ISO text).
 */
export type SealedRecord = Omit<StoredRecord, 'sourceData'> & { sourceDataCiphertext: string };

export function recordSummaryOf(row: RecordSummaryRow): RecordSummary {
  return {
    id: row.id,
    requestId: row.requestId,
    detector: { name: row.detectorName, type: row.detectorType, version: row.detectorVersion },
    modelVersion: row.modelVersion,
    taxonomy: row.taxonomy,
    scores: row.scores,
    confidence: row.confidence,
    latencyMs: row.latencyMs,
    occurredAt: row.occurredAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    backup: { status: row.backupStatus, backupId: row.backupRef },
  };
}

export function sealedRecordOf(row: RecordRow): SealedRecord {
  return {
    ...recordSummaryOf(row),
    correlationId: row.correlationId,
    metadata: row.metadata,
    provenance: row.provenance,
    sourceDataCiphertext: row.sourceData,
  };
}

/** The response: the sealed record with its source data decrypted for this read only. */
export function storedRecordOf(sealed: SealedRecord, sourceData: Record<string, unknown>): StoredRecord {
  const { sourceDataCiphertext: _ciphertext, ...fields } = sealed;
  return { ...fields, sourceData };
}
