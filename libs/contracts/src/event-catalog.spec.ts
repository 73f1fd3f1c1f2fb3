import { EVENT_SCHEMAS, EVENT_TYPES, isEventType, parseEvent, topicOf } from './event-catalog';
import { PLATFORM_TOPOLOGY } from './topology';

const recordDeleted = {
  tenantId: 'tenant-123',
  recordId: 'rec-1',
  reason: 'request',
  deletedAt: '2025-06-01T12:00:00Z',
};

describe('EVENT_SCHEMAS', () => {
  it('names every event <context>.<event>.v<N> and lists it once in EVENT_TYPES', () => {
    expect(EVENT_TYPES).toEqual(Object.keys(EVENT_SCHEMAS));
    for (const type of EVENT_TYPES) expect(type).toMatch(/^[a-z]+(\.[a-z_]+)+\.v\d+$/);
  });

  it('covers every subject in PLATFORM_TOPOLOGY', () => {
    const subjects = PLATFORM_TOPOLOGY.flatMap((t) => t.subscriptions.flatMap((s) => s.subjects));
    expect(subjects.filter((subject) => !isEventType(subject))).toEqual([]);
  });
});

describe('isEventType', () => {
  it('accepts catalog types only, not other versions or inherited object keys', () => {
    expect(isEventType('mapping.result.v1')).toBe(true);
    expect(isEventType('mapping.result.v2')).toBe(false);
    expect(isEventType('toString')).toBe(false);
    expect(isEventType('__proto__')).toBe(false);
  });
});

describe('parseEvent', () => {
  it('returns the typed payload of a valid body', () => {
    const result = parseEvent('record.deleted.v1', recordDeleted);
    expect(result).toEqual({ ok: true, payload: recordDeleted });
    if (result.ok) expect(result.payload.reason).toBe('request');
  });

  it('returns every issue with a readable path instead of throwing', () => {
    const result = parseEvent('mapping.result.v1', {
      tenantId: 'tenant-123',
      requestId: 'req-1',
      detector: { name: 'presidio', type: 'pii' },
      sourceData: {},
      taxonomy: ['PII.Identifier.SSN', 'Secrets'],
      scores: { 'PII.Identifier.SSN': 1.5, Secrets: 0.1 },
      confidence: 0.9,
      modelVersion: 'm1',
      latencyMs: 3,
      occurredAt: '2025-06-01T12:00:00Z',
      extra: 1,
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.path)).toEqual(['detector.version', 'taxonomy[1]', 'scores["PII.Identifier.SSN"]', 'scores.Secrets', 'extra']);
    expect(result.issues[4].message).toContain('"extra"');
  });

  it('reports a body that is not an object at the empty path', () => {
    expect(parseEvent('audit.event.v1', 'not json')).toEqual({ ok: false, issues: [{ path: '', message: expect.stringContaining('expected object') }] });
    expect(parseEvent('audit.event.v1', null)).toMatchObject({ ok: false, issues: [{ path: '' }] });
  });
});

describe('topicOf', () => {
  it('maps every catalog event to the one topic whose subscriptions list it', () => {
    for (const type of EVENT_TYPES) {
      const carriers = PLATFORM_TOPOLOGY.filter((t) => t.subscriptions.some((s) => s.subjects.includes(type))).map((t) => t.name);
      expect({ type, carriers }).toEqual({ type, carriers: [topicOf(type)] });
    }
  });

  it('puts each context on its own topic', () => {
    expect(topicOf('mapping.result.v1')).toBe('mapping-events');
    expect(topicOf('record.deleted.v1')).toBe('core-events');
    expect(topicOf('billing.quota.changed.v1')).toBe('billing-events');
    expect(topicOf('backup.failed.v1')).toBe('backup-events');
    expect(topicOf('audit.event.v1')).toBe('audit-events');
  });
});
