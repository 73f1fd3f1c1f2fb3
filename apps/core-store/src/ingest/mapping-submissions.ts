import { PayloadTooLargeException } from '@nestjs/common';
import { ContractIssue, MAX_MAPPINGS_PER_REQUEST, mappingSubmissionV1, MappingSubmissionV1, parseContract } from '@comply/contracts';
import { invalidRequest } from '@comply/service-runtime';

/** Position of a field within the body: `[3].detector.name` in a batch, `detector.name` for a single mapping. */
export function fieldPath(batch: boolean, index: number, path: string): string {
  if (!batch) return path;
  return path ? `[${index}]${path.startsWith('[') ? '' : '.'}${path}` : `[${index}]`;
}

/**
 * The body of POST /v1/mappings: one mapping or an array of 1..500. Every invalid field of every
 * mapping is reported at once, so a producer fixes a batch in one round.
 */
export function parseSubmissions(body: unknown): { batch: boolean; mappings: MappingSubmissionV1[] } {
  const batch = Array.isArray(body);
  const items: unknown[] = batch ? body : [body];
  if (batch && items.length === 0) throw invalidRequest('mappings', [{ path: '', message: 'Expected at least one mapping' }]);
  if (items.length > MAX_MAPPINGS_PER_REQUEST) {
    throw new PayloadTooLargeException(`At most ${MAX_MAPPINGS_PER_REQUEST} mappings per request; got ${items.length}`);
  }
  const issues: ContractIssue[] = [];
  const mappings: MappingSubmissionV1[] = [];
  items.forEach((item, index) => {
    const result = parseContract(mappingSubmissionV1, item);
    if (result.ok) mappings.push(result.value);
    else issues.push(...result.issues.map((issue) => ({ path: fieldPath(batch, index, issue.path), message: issue.message })));
  });
  if (issues.length > 0) throw invalidRequest(batch ? 'mappings' : 'mapping', issues);
  return { batch, mappings };
}
