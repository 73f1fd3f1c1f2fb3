import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { decodeBody, envelopeOf } from './incoming-event';

describe('incoming messages', () => {
  it('reads JSON sent as text or bytes by producers in other languages', () => {
    expect(decodeBody(Buffer.from('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
    expect(decodeBody('{"a":2}')).toEqual({ ok: true, value: { a: 2 } });
    expect(decodeBody({ a: 3 })).toEqual({ ok: true, value: { a: 3 } });
  });

  it('reports a body that is not JSON', () => {
    expect(decodeBody(Buffer.from('not json'))).toMatchObject({ ok: false, error: expect.stringMatching(/^body is not JSON/) });
  });

  it('takes the envelope from message properties, defaulting correlation to the message id', () => {
    const message = {
      messageId: 'm-1',
      deliveryCount: 2,
      applicationProperties: { tenantId: 'tenant-a', causationId: 'm-0', traceparent: '', other: 7 },
    } as unknown as ServiceBusReceivedMessage;
    expect(envelopeOf(message)).toEqual({
      messageId: 'm-1',
      correlationId: 'm-1',
      causationId: 'm-0',
      tenantId: 'tenant-a',
      traceparent: undefined,
      deliveryCount: 2,
    });
  });
});
