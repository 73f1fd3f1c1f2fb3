import { EVENT_EXAMPLES } from '../event-examples';
import { mappingResultV1 } from './mapping-events';

const example = EVENT_EXAMPLES['mapping.result.v1'];

function issuesOf(input: unknown): Array<{ path: PropertyKey[]; code: string }> {
  const result = mappingResultV1.safeParse(input);
  return result.success ? [] : result.error.issues.map(({ path, code }) => ({ path, code }));
}

describe('mapping.result.v1', () => {
  it('accepts a realistic mapping result, with and without the optional free-form fields', () => {
    expect(mappingResultV1.parse(example)).toEqual(example);
    const { metadata: _metadata, provenance: _provenance, ...required } = example;
    expect(issuesOf(required)).toEqual([]);
  });

  it('accepts several labels with one score each', () => {
    const twoLabels = {
      ...example,
      taxonomy: ['PII.Identifier.SSN', 'PII.Contact.Phone'],
      scores: { 'PII.Identifier.SSN': 0.97, 'PII.Contact.Phone': 0 },
    };
    expect(issuesOf(twoLabels)).toEqual([]);
  });

  it('rejects a score outside [0, 1] at the path of its label', () => {
    expect(issuesOf({ ...example, scores: { 'PII.Identifier.SSN': 1.5 } })).toEqual([{ path: ['scores', 'PII.Identifier.SSN'], code: 'too_big' }]);
  });

  it('rejects a confidence below 0 and a negative latency', () => {
    expect(issuesOf({ ...example, confidence: -0.1, latencyMs: -1 })).toEqual([
      { path: ['confidence'], code: 'too_small' },
      { path: ['latencyMs'], code: 'too_small' },
    ]);
  });

  it('requires tenantId and rejects malformed tenant ids', () => {
    const { tenantId: _tenantId, ...withoutTenant } = example;
    expect(issuesOf(withoutTenant)).toEqual([{ path: ['tenantId'], code: 'invalid_type' }]);
    for (const tenantId of ['', '-tenant', 'tenant 1', 'a'.repeat(129)]) {
      expect({ tenantId, paths: issuesOf({ ...example, tenantId }).map((i) => i.path) }).toEqual({ tenantId, paths: [['tenantId']] });
    }
    expect(issuesOf({ ...example, tenantId: 'acme:eu-1.prod_2' })).toEqual([]);
  });

  it('rejects timestamps without an offset or not in ISO 8601', () => {
    for (const occurredAt of ['2025-06-01T12:00:00', '2025-06-01', '01/06/2025 12:00', '2025-02-30T12:00:00Z']) {
      expect({ occurredAt, issues: issuesOf({ ...example, occurredAt }) }).toEqual({
        occurredAt,
        issues: [{ path: ['occurredAt'], code: 'invalid_format' }],
      });
    }
  });

  it('rejects unknown fields on the event and on the detector', () => {
    expect(issuesOf({ ...example, tenant: 'tenant-123' })).toEqual([{ path: [], code: 'unrecognized_keys' }]);
    expect(issuesOf({ ...example, detector: { ...example.detector, vendor: 'msft' } })).toEqual([{ path: ['detector'], code: 'unrecognized_keys' }]);
  });

  it('lets metadata and provenance carry any fields', () => {
    expect(issuesOf({ ...example, metadata: { nested: { deep: [1, 'two'] } }, provenance: { raw_ref: 's3://bucket/key' } })).toEqual([]);
  });

  it('requires taxonomy labels of at least two dot-separated segments', () => {
    for (const label of ['SSN', 'PII..SSN', 'PII.Identifier.', 'PII.Identifier SSN']) {
      const paths = issuesOf({ ...example, taxonomy: [label], scores: { [label]: 0.5 } }).map((i) => i.path);
      expect({ label, paths }).toEqual({ label, paths: [['taxonomy', 0], ['scores', label]] });
    }
  });

  it('requires exactly one score per listed label and no duplicate labels', () => {
    expect(issuesOf({ ...example, taxonomy: ['PII.Identifier.SSN', 'PII.Contact.Email'] })).toEqual([
      { path: ['scores', 'PII.Contact.Email'], code: 'custom' },
    ]);
    expect(issuesOf({ ...example, scores: { ...example.scores, 'PII.Contact.Email': 0.2 } })).toEqual([
      { path: ['scores', 'PII.Contact.Email'], code: 'custom' },
    ]);
    expect(issuesOf({ ...example, taxonomy: ['PII.Identifier.SSN', 'PII.Identifier.SSN'] })).toEqual([{ path: ['taxonomy', 1], code: 'custom' }]);
    expect(issuesOf({ ...example, taxonomy: [], scores: {} })).toEqual([{ path: ['taxonomy'], code: 'too_small' }]);
  });

  it('requires sourceData to be an object', () => {
    expect(issuesOf({ ...example, sourceData: '078-05-1120' })).toEqual([{ path: ['sourceData'], code: 'invalid_type' }]);
  });
});
