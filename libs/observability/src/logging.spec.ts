import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { NestPinoLogger } from './nest-logger';
import { runWithRequestContext } from './request-context';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, destination };
}

describe('service logging', () => {
  it('writes JSON lines with the service name and a textual level', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'billing', level: 'info', destination }).info({ invoice: 'in_1' }, 'paid');
    expect(lines[0]).toMatchObject({ service: 'billing', level: 'info', invoice: 'in_1', msg: 'paid' });
    expect(typeof lines[0].time).toBe('string');
  });

  it('redacts credentials wherever they appear in a logged object', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ service: 'core-store', level: 'info', destination });
    logger.info({ config: { DB_PASSWORD: 'hunter2', DATABASE_URL: 'postgres://u:pw@h/d' }, req: { headers: { authorization: 'Bearer sk_live' } } });
    const written = JSON.stringify(lines[0]);
    expect(written).not.toContain('hunter2');
    expect(written).not.toContain('u:pw');
    expect(written).not.toContain('sk_live');
    expect(written).toContain('[redacted]');
  });

  it('tags lines logged through Nest during a request with that request id', () => {
    const { lines, destination } = capture();
    const nest = new NestPinoLogger(createLogger({ service: 'audit-writer', level: 'info', destination }));
    runWithRequestContext({ requestId: 'req-42' }, () => nest.log('verifying chain', 'AuditService'));
    runWithRequestContext({ requestId: 'msg-7', correlationId: 'flow-1' }, () => nest.log('handled', 'Consumer'));
    nest.warn('outside any request', 'Bootstrap');
    expect(lines[0]).toMatchObject({ reqId: 'req-42', context: 'AuditService', msg: 'verifying chain', level: 'info' });
    expect(lines[1]).toMatchObject({ reqId: 'msg-7', correlationId: 'flow-1', msg: 'handled' });
    expect(lines[2]).toMatchObject({ context: 'Bootstrap', level: 'warn' });
    expect(lines[2]).not.toHaveProperty('reqId');
  });

  it('keeps the stack of errors logged by Nest', () => {
    const { lines, destination } = capture();
    const nest = new NestPinoLogger(createLogger({ service: 'billing', level: 'info', destination }));
    const error = new Error('boom');
    nest.error('handler failed', error.stack, 'ExceptionsHandler');
    expect(lines[0]).toMatchObject({ msg: 'handler failed', context: 'ExceptionsHandler', level: 'error' });
    expect(String(lines[0].stack)).toContain('Error: boom');
  });
});
