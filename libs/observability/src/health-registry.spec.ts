import { HealthRegistry } from './health-registry';

describe('HealthRegistry', () => {
  it('is ok when every check passes', async () => {
    const health = new HealthRegistry();
    health.register('database', async () => undefined);
    health.register('broker', async () => undefined);
    expect(await health.report()).toEqual({
      status: 'ok',
      checks: { database: { status: 'up' }, broker: { status: 'up' } },
    });
  });

  it('is unavailable when one check throws, and says why', async () => {
    const health = new HealthRegistry();
    health.register('database', async () => {
      throw new Error('migrations pending: 0003_x.sql');
    });
    health.register('broker', async () => undefined);
    const report = await health.report();
    expect(report.status).toBe('unavailable');
    expect(report.checks.database).toEqual({ status: 'down', error: 'migrations pending: 0003_x.sql' });
    expect(report.checks.broker.status).toBe('up');
  });

  it('counts a check that hangs as down after the timeout', async () => {
    const health = new HealthRegistry(50);
    health.register('stuck', () => new Promise(() => undefined));
    const report = await health.report();
    expect(report.checks.stuck).toEqual({ status: 'down', error: 'no answer within 50 ms' });
  });
});
