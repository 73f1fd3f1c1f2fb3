import { COMPLIANCE_CATALOG, COMPLIANCE_FRAMEWORKS, complianceFrameworkOf } from './compliance-catalog';
import { AGGREGATED_ACTIONS, EVIDENCE_KIND_DEFINITIONS, EVIDENCE_KINDS, evidenceKindsOf } from './evidence-kinds';

describe('compliance catalog', () => {
  it.each(COMPLIANCE_FRAMEWORKS)('%s lists each control once, each with known evidence kinds, and says why a control has none', (framework) => {
    const controls = COMPLIANCE_CATALOG[framework].controls;
    expect(new Set(controls.map((control) => control.id)).size).toBe(controls.length);
    for (const control of controls) {
      expect(control.evidence.filter((kind) => !EVIDENCE_KINDS.includes(kind))).toEqual([]);
      expect(new Set(control.evidence).size).toBe(control.evidence.length);
      if (control.evidence.length === 0) expect(control.note).toEqual(expect.any(String));
      // A control no label maps to is only worth listing for the trail's evidence.
      if (control.labels.length === 0) expect(control.evidence.length).toBeGreaterThan(0);
    }
  });

  it('uses every evidence kind in some framework', () => {
    const used = new Set(COMPLIANCE_FRAMEWORKS.flatMap((framework) => COMPLIANCE_CATALOG[framework].controls.flatMap((control) => control.evidence)));
    expect([...EVIDENCE_KINDS].filter((kind) => !used.has(kind))).toEqual([]);
  });

  it('names frameworks in any case and with or without separators, and nothing else', () => {
    expect(complianceFrameworkOf('soc2')).toBe('SOC2');
    expect(complianceFrameworkOf('ISO-27001')).toBe('ISO27001');
    expect(complianceFrameworkOf('iso_27001')).toBe('ISO27001');
    expect(complianceFrameworkOf('Hipaa')).toBe('HIPAA');
    expect(complianceFrameworkOf('gdpr')).toBe('GDPR');
    expect(complianceFrameworkOf('PCI-DSS')).toBeUndefined();
    expect(complianceFrameworkOf('soc')).toBeUndefined();
    expect(complianceFrameworkOf('')).toBeUndefined();
  });
});

describe('evidence kinds of an audit entry', () => {
  const facts = (action: string, actorType = 'api_key', outcome = 'success') => ({ action, actorType, outcome });

  it('counts API key creation and revocation, through the API or the database', () => {
    expect(evidenceKindsOf(facts('api_key.create'))).toEqual(['key-creation']);
    expect(evidenceKindsOf(facts('api_key.insert', 'user'))).toEqual(['admin-action', 'key-creation']);
    expect(evidenceKindsOf(facts('api_key.revoke', 'user'))).toEqual(['admin-action', 'key-revocation']);
    expect(evidenceKindsOf(facts('api_key.delete', 'user'))).toEqual(['admin-action', 'key-revocation']);
  });

  it('counts data-key rotation and rewrapping, and erasures by operators, services and the retention job', () => {
    expect(evidenceKindsOf(facts('data_key.rotate', 'user'))).toEqual(['admin-action', 'data-key-rotation']);
    expect(evidenceKindsOf(facts('data_key.rewrap', 'user'))).toEqual(['admin-action', 'data-key-rotation']);
    expect(evidenceKindsOf(facts('tenant.erase', 'service'))).toEqual(['erasure']);
    expect(evidenceKindsOf(facts('record.erase', 'system'))).toEqual(['erasure']);
    expect(evidenceKindsOf(facts('record.delete'))).toEqual(['erasure']);
  });

  it('counts every action of a person as an administrative action, whatever its outcome', () => {
    expect(evidenceKindsOf(facts('tenant.suspend', 'user'))).toEqual(['admin-action']);
    expect(evidenceKindsOf(facts('plan.update', 'user', 'failure'))).toEqual(['admin-action']);
  });

  it('does not count attempts that did not succeed as the thing attempted', () => {
    expect(evidenceKindsOf(facts('api_key.create', 'api_key', 'denied'))).toEqual([]);
    expect(evidenceKindsOf(facts('tenant.erase', 'service', 'failure'))).toEqual([]);
  });

  it('counts nothing for ordinary traffic, and nothing for kinds that are not collected', () => {
    expect(evidenceKindsOf(facts('record.create'))).toEqual([]);
    expect(evidenceKindsOf(facts('record.read', 'api_key', 'denied'))).toEqual([]);
    const notCollected = EVIDENCE_KINDS.filter((kind) => !EVIDENCE_KIND_DEFINITIONS[kind].collected);
    expect(notCollected).toEqual(['sensitive-record-access']);
  });

  it('counts refused API keys and admin tokens as failed authentication, each entry standing for its details.count', () => {
    expect(evidenceKindsOf(facts('auth.api_key', 'api_key', 'denied'))).toEqual(['failed-authentication']);
    expect(evidenceKindsOf(facts('auth.api_key', 'system', 'denied'))).toEqual(['failed-authentication']);
    expect(evidenceKindsOf(facts('auth.admin_token', 'system', 'denied'))).toEqual(['failed-authentication']);
    expect(evidenceKindsOf(facts('auth.api_key', 'system', 'success'))).toEqual([]);
    expect(AGGREGATED_ACTIONS).toEqual(['auth.api_key', 'auth.admin_token']);
  });
});
