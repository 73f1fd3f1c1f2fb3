import { z } from 'zod';
import { boundedText, detector, freeFormObject, requestId, taxonomyLabel, taxonomyLabels, tenantId, timestamp, unitInterval } from './shared-fields';

/** Fields of a mapping result other than the tenant: what core-store's HTTP ingest accepts, the API key deciding the tenant. */
const mappingResultFields = {
  requestId,
  detector,
  sourceData: freeFormObject({
    maxBytes: 65_536,
    description: 'Raw detector output as the detector emitted it. Sensitive: stored encrypted, never republished on any other topic.',
  }),
  taxonomy: taxonomyLabels.describe('Taxonomy labels the finding maps to, each at most once.'),
  scores: z
    .record(taxonomyLabel, unitInterval)
    .describe('Score in [0, 1] per taxonomy label: exactly one for every label in `taxonomy`, none for any other.'),
  confidence: unitInterval.describe('Confidence in [0, 1] of the mapping as a whole.'),
  modelVersion: boundedText(100).describe('Version of the mapping model that produced the result, e.g. "mapper-2025.06.1".'),
  latencyMs: z.number().nonnegative().describe('Time the mapping took, in milliseconds.'),
  occurredAt: timestamp.describe('When the mapping was produced: ISO 8601 with offset, e.g. "2025-06-01T12:00:00.000Z".'),
  metadata: freeFormObject({ maxBytes: 16_384, description: 'Free-form producer metadata, stored as given.' }).optional(),
  provenance: freeFormObject({
    maxBytes: 16_384,
    description: 'Free-form lineage of the result (source system, pipeline, raw reference), stored as given.',
  }).optional(),
};

/** The cross-field rule JSON Schema cannot state: scores and taxonomy name the same labels. */
function scoresMatchTaxonomy(event: { taxonomy: string[]; scores: Record<string, number> }, ctx: z.RefinementCtx): void {
  for (const label of event.taxonomy) {
    if (!Object.hasOwn(event.scores, label)) ctx.addIssue({ code: 'custom', path: ['scores', label], message: 'Missing score for a label listed in taxonomy' });
  }
  for (const label of Object.keys(event.scores)) {
    if (!event.taxonomy.includes(label)) ctx.addIssue({ code: 'custom', path: ['scores', label], message: 'Score for a label not listed in taxonomy' });
  }
}

/**
 * One detector finding mapped onto the compliance taxonomy: what producers outside the platform
 * (above all the mapper model service) publish on `mapping-events`.
 */
export const mappingResultV1 = z
  .strictObject({ tenantId, ...mappingResultFields })
  .superRefine(scoresMatchTaxonomy)
  .describe('mapping.result.v1: a detector finding mapped onto the compliance taxonomy. Topic mapping-events, consumed by core-store.');
export type MappingResultV1 = z.infer<typeof mappingResultV1>;

/** mapping.result.v1 without `tenantId`, as `POST /v1/mappings` takes it: the API key decides the tenant. */
export const mappingSubmissionV1 = z
  .strictObject(mappingResultFields)
  .superRefine(scoresMatchTaxonomy)
  .describe('A mapping result submitted over HTTP: mapping.result.v1 without tenantId, which the API key decides.');
export type MappingSubmissionV1 = z.infer<typeof mappingSubmissionV1>;

/** Mappings one mapping.batch.v1 message (and one POST /v1/mappings) may carry. */
export const MAX_MAPPINGS_PER_BATCH = 500;

/**
 * Many mapping results of one tenant in one message: for producers that emit findings in bursts
 * (one document scan, one chat session). The broker then moves and settles one message instead of
 * hundreds. core-store stores a batch whole or not at all: one refused mapping dead-letters the
 * message with every refusal named by its index.
 */
export const mappingBatchV1 = z
  .strictObject({
    tenantId,
    mappings: z
      .array(mappingSubmissionV1)
      .min(1)
      .max(MAX_MAPPINGS_PER_BATCH)
      .describe(`1 to ${MAX_MAPPINGS_PER_BATCH} mapping results of the tenant, each as in mapping.result.v1 without tenantId.`),
  })
  .describe(
    'mapping.batch.v1: several mapping results of one tenant, stored all or none. Topic mapping-events, consumed by core-store. The message must also fit the namespace tier (256 KB on Standard).',
  );
export type MappingBatchV1 = z.infer<typeof mappingBatchV1>;
