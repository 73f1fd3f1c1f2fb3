import { CoreStoreTestApp, startCoreStoreTestApp } from './testing/core-store-test-app';

describe('core-store service', () => {
  let app: CoreStoreTestApp;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: true });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('is ready once its database is migrated and every subscription link is up', async () => {
    const ready = await app.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ database: { status: 'up' }, servicebus: { status: 'up' } });
  });
});
