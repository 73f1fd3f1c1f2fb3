import type { EvidenceKind } from './evidence-kinds';

/** The frameworks audit-writer reports on, named as core-store's compliance mappings name them. */
export const COMPLIANCE_FRAMEWORKS = ['SOC2', 'ISO27001', 'HIPAA', 'GDPR'] as const;
export type ComplianceFramework = (typeof COMPLIANCE_FRAMEWORKS)[number];

export interface ComplianceControl {
  /** As core-store's compliance_mappings.control_id spells it. */
  id: string;
  /** core-store's description of the control where it maps one. */
  title: string;
  /**
   * The global taxonomy labels core-store maps to this control (its seed in migrations/core);
   * empty for a control no label maps to, listed because the audit trail is its evidence.
   */
  labels: readonly string[];
  /** The kinds of audit evidence a report counts for the control; empty when the trail holds none. */
  evidence: readonly EvidenceKind[];
  /** Why the control has no evidence in the trail, or how to read it. */
  note?: string;
}

export interface ComplianceFrameworkCatalog {
  title: string;
  controls: readonly ComplianceControl[];
}

/**
 * Framework → control → evidence. audit-writer cannot read core-store's database, so the controls
 * core-store maps (compliance_mappings, seeded by migrations/core) are restated here, with the
 * labels mapped to them; compliance-catalog.int.spec.ts holds the two to each other. A tenant's own
 * additional mappings are core-store data and are not reported on.
 */
export const COMPLIANCE_CATALOG: Readonly<Record<ComplianceFramework, ComplianceFrameworkCatalog>> = {
  SOC2: {
    title: 'SOC 2 (AICPA Trust Services Criteria)',
    controls: [
      {
        id: 'CC6.1',
        title: 'Logical access security over information assets',
        labels: ['PCI', 'PII', 'SECRETS'],
        evidence: ['admin-action', 'key-creation', 'key-revocation', 'data-key-rotation', 'failed-authentication', 'sensitive-record-access'],
      },
      {
        id: 'CC7.2',
        title: 'Monitoring of system components for anomalies and attacks',
        labels: ['SECURITY'],
        evidence: ['admin-action', 'failed-authentication'],
      },
      { id: 'CC7.3', title: 'Evaluation of security events', labels: ['HARM'], evidence: ['failed-authentication'] },
      { id: 'P4.1', title: 'Personal information is used and retained for its stated purpose', labels: ['PII'], evidence: ['erasure'] },
    ],
  },
  ISO27001: {
    title: 'ISO/IEC 27001:2022 Annex A',
    controls: [
      { id: 'A.5.17', title: 'Authentication information', labels: ['SECRETS'], evidence: ['key-creation', 'key-revocation', 'failed-authentication'] },
      { id: 'A.5.34', title: 'Privacy and protection of personally identifiable information', labels: ['PHI', 'PII'], evidence: ['erasure', 'sensitive-record-access'] },
      { id: 'A.8.11', title: 'Data masking', labels: ['PII'], evidence: ['sensitive-record-access'] },
      { id: 'A.8.12', title: 'Data leakage prevention', labels: ['PCI', 'SECRETS'], evidence: ['sensitive-record-access'] },
      { id: 'A.8.16', title: 'Monitoring activities', labels: ['SECURITY'], evidence: ['admin-action', 'failed-authentication'] },
      { id: 'A.8.24', title: 'Use of cryptography', labels: [], evidence: ['data-key-rotation'] },
    ],
  },
  HIPAA: {
    title: 'HIPAA Security and Privacy Rules (45 CFR 164)',
    controls: [
      {
        id: '164.312(a)(1)',
        title: 'Access control to electronic protected health information',
        labels: ['PHI'],
        evidence: ['admin-action', 'key-creation', 'key-revocation', 'failed-authentication', 'sensitive-record-access'],
      },
      { id: '164.312(a)(2)(iv)', title: 'Encryption and decryption', labels: [], evidence: ['data-key-rotation'] },
      { id: '164.312(d)', title: 'Person or entity authentication', labels: [], evidence: ['key-creation', 'key-revocation', 'failed-authentication'] },
      {
        id: '164.312(e)(1)',
        title: 'Transmission security',
        labels: ['PHI'],
        evidence: [],
        note: 'Enforced by TLS on every connection; the audit trail records no transmissions.',
      },
      {
        id: '164.514(b)',
        title: 'De-identification of protected health information',
        labels: ['PHI'],
        evidence: [],
        note: "Evidenced by the mapper's labels on stored records, not by audited actions.",
      },
    ],
  },
  GDPR: {
    title: 'GDPR (Regulation (EU) 2016/679)',
    controls: [
      { id: 'Art.9', title: 'Processing of special categories of personal data', labels: ['PHI'], evidence: ['sensitive-record-access'] },
      { id: 'Art.17', title: 'Right to erasure', labels: [], evidence: ['erasure'] },
      {
        id: 'Art.32',
        title: 'Security of processing',
        labels: ['PII'],
        evidence: ['admin-action', 'key-creation', 'key-revocation', 'data-key-rotation', 'failed-authentication', 'sensitive-record-access'],
      },
      { id: 'Art.87', title: 'Processing of national identification numbers', labels: ['PII.Identifier'], evidence: ['sensitive-record-access'] },
    ],
  },
};

function normalized(name: string): string {
  return name.toUpperCase().replace(/[\s_-]/g, '');
}

/** The framework a path segment names, in any case and with or without separators ("soc2", "iso-27001"). */
export function complianceFrameworkOf(name: string): ComplianceFramework | undefined {
  return COMPLIANCE_FRAMEWORKS.find((framework) => normalized(framework) === normalized(name));
}
