import { EVENT_EXAMPLES } from '../event-examples';
import { auditEventV1 } from './audit-events';

const example = EVENT_EXAMPLES['audit.event.v1'];

function pathsOf(input: unknown): PropertyKey[][] {
  const result = auditEventV1.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path);
}

describe('audit.event.v1', () => {
  it('accepts a realistic audit event', () => {
    expect(auditEventV1.parse(example)).toEqual(example);
  });

  it('accepts a platform-wide action without tenant, resource id or details', () => {
    const { tenantId: _tenantId, details: _details, ...platformWide } = example;
    expect(pathsOf({ ...platformWide, actor: { type: 'system', id: 'retention-job' }, resource: { type: 'backup' } })).toEqual([]);
  });

  it('names the field of an unknown actor type, outcome or action shape', () => {
    expect(pathsOf({ ...example, actor: { type: 'robot', id: 'r2' } })).toEqual([['actor', 'type']]);
    expect(pathsOf({ ...example, outcome: 'ok' })).toEqual([['outcome']]);
    for (const action of ['delete', 'Record.Delete', 'record delete']) {
      expect({ action, paths: pathsOf({ ...example, action }) }).toEqual({ action, paths: [['action']] });
    }
  });

  it('requires correlationId and an offset timestamp, and rejects unknown fields', () => {
    const { correlationId: _correlationId, ...withoutCorrelation } = example;
    expect(pathsOf(withoutCorrelation)).toEqual([['correlationId']]);
    expect(pathsOf({ ...example, occurredAt: '2025-06-01T12:00:01' })).toEqual([['occurredAt']]);
    expect(pathsOf({ ...example, resource: { ...example.resource, name: 'x' } })).toEqual([['resource']]);
  });

  it('takes an optional source: service required, host, ip and user agent bounded', () => {
    const { source: _source, ...withoutSource } = example;
    expect(pathsOf(withoutSource)).toEqual([]);
    expect(pathsOf({ ...example, source: { service: 'billing' } })).toEqual([]);
    expect(pathsOf({ ...example, source: { host: 'h' } })).toEqual([['source', 'service']]);
    expect(pathsOf({ ...example, source: { service: 'billing', userAgent: 'x'.repeat(513) } })).toEqual([['source', 'userAgent']]);
    expect(pathsOf({ ...example, source: { service: 'billing', ip: '' } })).toEqual([['source', 'ip']]);
    expect(pathsOf({ ...example, source: { service: 'billing', port: 443 } })).toEqual([['source']]);
  });
});
