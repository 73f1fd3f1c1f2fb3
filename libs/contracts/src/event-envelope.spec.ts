import { APPLICATION_PROPERTIES, applicationPropertiesSchema } from './event-envelope';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('applicationPropertiesSchema', () => {
  it('reads the platform properties by their names and drops what the SDK adds', () => {
    const properties = {
      [APPLICATION_PROPERTIES.tenantId]: 'tenant-123',
      [APPLICATION_PROPERTIES.causationId]: 'msg-41',
      [APPLICATION_PROPERTIES.traceparent]: traceparent,
      'Diagnostic-Id': traceparent,
    };
    expect(applicationPropertiesSchema.parse(properties)).toEqual({ tenantId: 'tenant-123', causationId: 'msg-41', traceparent });
  });

  it('accepts a message without any of them', () => {
    expect(applicationPropertiesSchema.parse({})).toEqual({});
  });

  it('rejects a malformed tenantId and non-string values', () => {
    const badTenant = applicationPropertiesSchema.safeParse({ tenantId: 'tenant 123' });
    expect(badTenant.error?.issues.map((issue) => issue.path)).toEqual([['tenantId']]);
    const numeric = applicationPropertiesSchema.safeParse({ causationId: 41 });
    expect(numeric.error?.issues.map((issue) => issue.path)).toEqual([['causationId']]);
  });
});
