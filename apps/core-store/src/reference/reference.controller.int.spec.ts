import { CoreStoreTestApp, startCoreStoreTestApp, TestTenant } from '../testing/core-store-test-app';

describe('reference data API', () => {
  let app: CoreStoreTestApp;
  let acme: TestTenant;
  let globex: TestTenant;

  beforeAll(async () => {
    app = await startCoreStoreTestApp({ redis: false });
    acme = await app.createTenant('acme');
    globex = await app.createTenant('globex');
    await app.sql(
      `insert into taxonomy_labels (tenant_id, label, parent_label, description) values ('acme', 'PII.Identifier.EmployeeId', 'PII.Identifier', 'Acme employee number')`,
    );
    await app.sql(
      `insert into compliance_mappings (tenant_id, taxonomy_label, framework, control_id, description) values ('acme', 'PII.Identifier.EmployeeId', 'ACME-POLICY', 'HR-7', 'Employee data handling')`,
    );
  });

  afterAll(async () => {
    await app?.close();
  });

  it('lists the seeded taxonomy under a label, plus only the calling tenant\'s own labels', async () => {
    const forAcme = await app.request('GET', '/v1/taxonomy?under=PII.Identifier', { token: acme.key });
    expect(forAcme.status).toBe(200);
    expect(forAcme.body.items.map((l: { label: string }) => l.label)).toEqual([
      'PII.Identifier',
      'PII.Identifier.DriverLicense',
      'PII.Identifier.EmployeeId',
      'PII.Identifier.NationalId',
      'PII.Identifier.Passport',
      'PII.Identifier.SSN',
    ]);
    expect(forAcme.body.items.find((l: { label: string }) => l.label === 'PII.Identifier.SSN')).toEqual({
      label: 'PII.Identifier.SSN',
      parent: 'PII.Identifier',
      description: 'US Social Security number',
      aliases: ['US_SSN', 'SSN'],
      scope: 'global',
    });
    const forGlobex = await app.request('GET', '/v1/taxonomy?under=PII.Identifier', { token: globex.key });
    expect(forGlobex.body.items.map((l: { label: string }) => l.label)).not.toContain('PII.Identifier.EmployeeId');
    const all = await app.request('GET', '/v1/taxonomy', { token: globex.key });
    expect(all.body.items.length).toBeGreaterThan(30);
  });

  it('returns the controls mapped to a label or any of its ancestors, optionally of one framework', async () => {
    const hipaa = await app.request('GET', '/v1/compliance-mappings?label=PHI.Diagnosis&framework=HIPAA', { token: acme.key });
    expect(hipaa.status).toBe(200);
    expect(hipaa.body.items.map((m: { controlId: string }) => m.controlId)).toEqual(['164.312(a)(1)', '164.312(e)(1)', '164.514(b)']);
    const card = await app.request('GET', '/v1/compliance-mappings?label=PCI.Card.Number', { token: acme.key });
    expect(card.body.items).toContainEqual({
      taxonomyLabel: 'PCI.Card',
      framework: 'PCI-DSS',
      controlId: '3.4',
      description: 'Render the primary account number unreadable wherever it is stored',
      scope: 'global',
    });
    const own = await app.request('GET', '/v1/compliance-mappings?label=PII.Identifier.EmployeeId', { token: acme.key });
    expect(own.body.items.map((m: { framework: string }) => m.framework)).toContain('ACME-POLICY');
    const other = await app.request('GET', '/v1/compliance-mappings?label=PII.Identifier.EmployeeId', { token: globex.key });
    expect(other.body.items.map((m: { framework: string }) => m.framework)).not.toContain('ACME-POLICY');
  });

  it('answers 400 naming the parameter, and 401 without a key', async () => {
    const missing = await app.request('GET', '/v1/compliance-mappings', { token: acme.key });
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((i: { path: string }) => i.path)).toEqual(['label']);
    const bad = await app.request('GET', '/v1/taxonomy?under=PII..x&limit=3', { token: acme.key });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['limit', 'under']);
    expect((await app.request('GET', '/v1/taxonomy')).status).toBe(401);
  });
});
