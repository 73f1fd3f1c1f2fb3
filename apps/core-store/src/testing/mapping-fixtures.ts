import type { MappingResultV1, MappingSubmissionV1 } from '@comply/contracts';
import { randomUUID } from 'node:crypto';

/** The detector output every fixture carries: tests look for this text to prove it is never stored in clear. */
export const SECRET_SOURCE_TEXT = 'John Smith, SSN 078-05-1120';

/** A valid submission for POST /v1/mappings; each call has a new requestId. */
export function mappingSubmission(overrides: Partial<MappingSubmissionV1> = {}): MappingSubmissionV1 {
  return {
    requestId: `req-${randomUUID()}`,
    detector: { name: 'presidio', type: 'pii', version: '2.2.355' },
    sourceData: { text: SECRET_SOURCE_TEXT, entities: [{ type: 'US_SSN', start: 16, end: 27, score: 0.99 }] },
    taxonomy: ['PII.Identifier.SSN', 'PII.Person.Name'],
    scores: { 'PII.Identifier.SSN': 0.99, 'PII.Person.Name': 0.87 },
    confidence: 0.93,
    modelVersion: 'mapper-2026.11',
    latencyMs: 12.5,
    occurredAt: new Date().toISOString(),
    metadata: { pipeline: 'chat-guard', region: 'westeurope' },
    ...overrides,
  };
}

/** A valid mapping.result.v1 body for the bus. */
export function mappingEvent(tenantId: string, overrides: Partial<MappingSubmissionV1> = {}): MappingResultV1 {
  return { tenantId, ...mappingSubmission(overrides) };
}
