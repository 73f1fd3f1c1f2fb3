import { auditEventV1 } from '@comply/contracts';
import { runWithRequestContext, setServiceIdentity } from '@comply/observability';
import { hostname } from 'node:os';
import { auditEvent } from './audit-event';

const facts = { actor: { type: 'user' as const, id: 'platform-admin' }, action: 'plan.create', resource: { type: 'plan', id: 'team' }, correlationId: 'req-1' };

describe('auditEvent', () => {
  afterEach(() => setServiceIdentity(undefined));

  it('records no source outside a request when the caller names none and the process runs no service', () => {
    expect(auditEvent(facts).payload.source).toBeUndefined();
  });

  it("outside a request (a message handler, a job), takes the service this process runs, with this machine's host", () => {
    setServiceIdentity('billing');
    expect(auditEvent(facts).payload.source).toEqual({ service: 'billing', host: hostname().slice(0, 255) });
    const inRequest = runWithRequestContext({ requestId: 'r', service: 'core-store' }, () => auditEvent(facts));
    expect(inRequest.payload.source?.service).toBe('core-store');
  });

  it("takes the service, client IP and user agent of the request in progress, and this machine's host", () => {
    const event = runWithRequestContext({ requestId: 'req-1', service: 'billing', clientIp: '203.0.113.9', userAgent: 'curl/8.5.0' }, () => auditEvent(facts));
    expect(event.payload.source).toEqual({ service: 'billing', host: hostname().slice(0, 255), ip: '203.0.113.9', userAgent: 'curl/8.5.0' });
    expect(auditEventV1.safeParse(event.payload).success).toBe(true);
  });

  it('prefers what the caller gives, and cuts a long user agent to what the contract takes', () => {
    const event = runWithRequestContext({ requestId: 'r', service: 'billing', userAgent: `x${'😀'.repeat(300)}` }, () =>
      auditEvent({ ...facts, source: { service: 'core-store', host: 'core-1' } }),
    );
    expect(event.payload.source).toMatchObject({ service: 'core-store', host: 'core-1' });
    expect(event.payload.source?.userAgent?.length).toBeLessThanOrEqual(512);
    expect(auditEventV1.safeParse(event.payload).success).toBe(true);
  });
});
