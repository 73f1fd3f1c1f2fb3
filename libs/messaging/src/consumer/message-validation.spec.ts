import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import type { RecordStoredV1 } from '@comply/contracts';
import { validateMessage } from './message-validation';

const payload: RecordStoredV1 = {
  tenantId: 'tenant-a',
  recordId: 'rec-1',
  requestId: 'req-1',
  detector: { name: 'presidio', type: 'pii', version: '2.2.355' },
  taxonomy: ['PII.Identifier.SSN'],
  confidence: 0.97,
  modelVersion: 'mapper-2026.11',
  storedAt: '2026-11-30T10:00:00.000Z',
};

function message(overrides: Record<string, unknown> = {}): ServiceBusReceivedMessage {
  return {
    messageId: 'm-1',
    subject: 'record.stored.v1',
    body: payload,
    deliveryCount: 2,
    applicationProperties: { tenantId: 'tenant-a', causationId: 'm-0', traceparent: '', 'Diagnostic-Id': 'x' },
    ...overrides,
  } as unknown as ServiceBusReceivedMessage;
}

const rules = {
  subscription: 'core-events/analytics-ingest',
  subjects: ['record.stored.v1'],
  handlerFor: (type: string) => (type === 'record.stored.v1' ? 'handler' : undefined),
};

function outcomeOf(overrides: Record<string, unknown>) {
  const result = validateMessage(message(overrides), rules);
  return result.ok ? result : result.outcome;
}

describe('validateMessage', () => {
  it('builds the event from a valid message: envelope from properties, tenant from the body, correlation defaulting to the message id', () => {
    expect(validateMessage(message(), rules)).toEqual({
      ok: true,
      handler: 'handler',
      event: {
        type: 'record.stored.v1',
        messageId: 'm-1',
        correlationId: 'm-1',
        causationId: 'm-0',
        tenantId: 'tenant-a',
        traceparent: '',
        deliveryCount: 2,
        payload,
      },
    });
    expect(validateMessage(message({ applicationProperties: {} }), rules)).toMatchObject({ ok: true, event: { tenantId: 'tenant-a' } });
  });

  it('dead-letters a subject the subscription does not carry, and one without a handler', () => {
    expect(outcomeOf({ subject: 'record.deleted.v1' })).toEqual({
      kind: 'deadLetter',
      reason: 'UnknownEventType',
      description: 'subject "record.deleted.v1" is not an event type of core-events/analytics-ingest',
    });
    expect(validateMessage(message(), { ...rules, handlerFor: () => undefined })).toEqual({
      ok: false,
      outcome: { kind: 'deadLetter', reason: 'NoHandler', description: 'no handler for record.stored.v1 on core-events/analytics-ingest' },
    });
  });

  it('shows a hostile subject without its control characters', () => {
    expect(outcomeOf({ subject: 'x\u0000\uD800y' })).toMatchObject({ description: 'subject "x??y" is not an event type of core-events/analytics-ingest' });
  });

  it.each([
    [{ messageId: undefined }, 'messageId is missing'],
    [{ messageId: 'm'.repeat(129) }, 'messageId is longer than 128 characters'],
    [{ messageId: 'm\u0000' }, 'messageId contains NUL or an unpaired UTF-16 surrogate'],
    [{ correlationId: 'c\uDC00' }, 'correlationId contains NUL or an unpaired UTF-16 surrogate'],
  ])('dead-letters an unusable id %j', (overrides, description) => {
    expect(outcomeOf(overrides)).toEqual({ kind: 'deadLetter', reason: 'ContractViolation', description });
  });

  it('dead-letters malformed application properties at their path', () => {
    expect(outcomeOf({ applicationProperties: { tenantId: 'bad tenant', causationId: 'c\u0000' } })).toEqual({
      kind: 'deadLetter',
      reason: 'ContractViolation',
      description: expect.stringContaining('"path":"applicationProperties.tenantId"'),
    });
    expect(outcomeOf({ applicationProperties: { causationId: 'c\u0000' } })).toMatchObject({
      description: expect.stringContaining('"path":"applicationProperties.causationId"'),
    });
  });

  it('dead-letters a body that is not JSON, and one that breaks its contract with that message\'s own issues', () => {
    expect(outcomeOf({ body: Buffer.from('{') })).toEqual({ kind: 'deadLetter', reason: 'ContractViolation', description: 'body is not JSON (at position 1)' });
    expect(outcomeOf({ body: { ...payload, confidence: 2, detector: { ...payload.detector, name: 'n\u0000' } } })).toEqual({
      kind: 'deadLetter',
      reason: 'ContractViolation',
      description: JSON.stringify([
        { path: 'detector.name', message: 'Must not contain NUL (U+0000) or an unpaired UTF-16 surrogate' },
        { path: 'confidence', message: 'Too big: expected number to be <=1' },
      ]),
    });
  });

  it('dead-letters a message whose tenantId property differs from its body', () => {
    expect(outcomeOf({ applicationProperties: { tenantId: 'tenant-b' } })).toEqual({
      kind: 'deadLetter',
      reason: 'TenantMismatch',
      description: 'Message tenantId property "tenant-b" differs from the body\'s tenantId "tenant-a"',
    });
  });
});
