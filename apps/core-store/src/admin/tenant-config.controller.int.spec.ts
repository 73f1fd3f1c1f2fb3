import { tenantConfigResponse } from '@comply/contracts';
import { CoreStoreTestApp, startCoreStoreTestApp } from '../testing/core-store-test-app';

describe('admin API: tenant config', () => {
  let app: CoreStoreTestApp;

  const versionOf = async (tenantId: string) =>
    (await app.sql<{ version: number }>('select version from tenant_configs where tenant_id = $1', [tenantId]))[0].version;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ messaging: false });
    await app.createTenant('configured', { retentionDays: 180, allowedDetectors: ['presidio'] });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('returns the config of a tenant', async () => {
    const response = await app.admin('GET', '/admin/tenants/configured/config');
    expect(response.status).toBe(200);
    expect(tenantConfigResponse.parse(response.body)).toEqual({
      tenantId: 'configured',
      retentionDays: 180,
      allowedDetectors: ['presidio'],
      defaultModelVersion: null,
      encryptionKeyId: null,
      monthlyRecordQuota: null,
      quotaPlan: null,
      version: 1,
      updatedAt: expect.any(String),
    });
  });

  it('applies a change as a new version, auditing what changed', async () => {
    const before = await versionOf('configured');
    const [{ updated_at: updatedBefore }] = await app.sql<{ updated_at: Date }>(`select updated_at from tenant_configs where tenant_id = 'configured'`);
    const response = await app.admin('PATCH', '/admin/tenants/configured/config', {
      retentionDays: 30,
      allowedDetectors: null,
      defaultModelVersion: 'mapper-2026.11',
    });
    expect(response.status).toBe(200);
    expect(tenantConfigResponse.parse(response.body)).toMatchObject({
      retentionDays: 30,
      allowedDetectors: null,
      defaultModelVersion: 'mapper-2026.11',
      version: before + 1,
    });
    const [row] = await app.sql<{ retention_days: number; allowed_detectors: string[] | null; version: number; updated_at: Date }>(
      `select retention_days, allowed_detectors, version, updated_at from tenant_configs where tenant_id = 'configured'`,
    );
    expect(row).toMatchObject({ retention_days: 30, allowed_detectors: null, version: before + 1 });
    expect(row.updated_at.getTime()).toBeGreaterThan(updatedBefore.getTime());
    expect(response.body.updatedAt).toBe(row.updated_at.toISOString());

    const audit = await app.auditOf(response);
    expect(audit).toHaveLength(1);
    expect(audit[0].tenant_id).toBe('configured');
    expect(audit[0].body).toMatchObject({
      actor: { type: 'user', id: 'platform-admin' },
      action: 'tenant_config.update',
      resource: { type: 'tenant_config', id: 'configured' },
      details: {
        version: before + 1,
        changes: {
          retentionDays: { from: 180, to: 30 },
          allowedDetectors: { from: ['presidio'], to: null },
          defaultModelVersion: { from: null, to: 'mapper-2026.11' },
        },
      },
    });

    const again = await app.admin('PATCH', '/admin/tenants/configured/config', { retentionDays: 31 });
    expect(again.body.version).toBe(before + 2);
  });

  it("overrides the monthly quota, leaving billing's plan and change time alone", async () => {
    const changedAt = new Date('2026-01-15T10:00:00Z');
    await app.sql(`update tenant_configs set monthly_record_quota = 1000, quota_plan = 'pro', quota_changed_at = $1 where tenant_id = 'configured'`, [changedAt]);
    const response = await app.admin('PATCH', '/admin/tenants/configured/config', { monthlyRecordQuota: 5000 });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ monthlyRecordQuota: 5000, quotaPlan: 'pro' });
    expect(await app.sql(`select monthly_record_quota, quota_plan, quota_changed_at from tenant_configs where tenant_id = 'configured'`)).toEqual([
      { monthly_record_quota: 5000, quota_plan: 'pro', quota_changed_at: changedAt },
    ]);
    expect((await app.auditOf(response))[0].body.details.changes).toEqual({ monthlyRecordQuota: { from: 1000, to: 5000 } });

    const unlimited = await app.admin('PATCH', '/admin/tenants/configured/config', { monthlyRecordQuota: null });
    expect(unlimited.body.monthlyRecordQuota).toBeNull();
  });

  it.each([
    [{ retentionDays: 0 }, 'retentionDays'],
    [{ retentionDays: 3651 }, 'retentionDays'],
    [{ retentionDays: 1.5 }, 'retentionDays'],
    [{ retentionDays: '30' }, 'retentionDays'],
    [{ monthlyRecordQuota: -1 }, 'monthlyRecordQuota'],
    [{ allowedDetectors: [''] }, 'allowedDetectors[0]'],
    [{}, '(body)'],
    [{ encryptionKeyId: 'mine' }, 'encryptionKeyId'],
  ])('answers 400 to %j naming %s, changing nothing', async (body, field) => {
    const before = await versionOf('configured');
    const response = await app.admin('PATCH', '/admin/tenants/configured/config', body);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(/^Invalid tenant config update: /);
    expect(String(response.body.message).replace(/^[^:]*: /, '').split(', ')).toContain(field);
    expect(await versionOf('configured')).toBe(before);
    expect(await app.auditOf(response)).toEqual([]);
  });

  it('answers 404 for an unknown tenant', async () => {
    const read = await app.admin('GET', '/admin/tenants/nobody/config');
    expect(read.status).toBe(404);
    expect(read.body.message).toBe('Tenant "nobody" does not exist');
    const change = await app.admin('PATCH', '/admin/tenants/nobody/config', { retentionDays: 10 });
    expect(change.status).toBe(404);
    expect(await app.auditOf(change)).toEqual([]);
  });

  it('shows but no longer changes the config of an erased tenant', async () => {
    await app.createTenant('erased-config');
    await app.sql(`update tenants set status = 'erased' where id = 'erased-config'`);
    expect((await app.admin('GET', '/admin/tenants/erased-config/config')).status).toBe(200);
    const change = await app.admin('PATCH', '/admin/tenants/erased-config/config', { retentionDays: 10 });
    expect(change.status).toBe(409);
    expect(await versionOf('erased-config')).toBe(1);
    expect(await app.auditOf(change)).toEqual([]);
  });
});
