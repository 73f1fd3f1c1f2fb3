export {
  COMPLIANCE_CATALOG,
  COMPLIANCE_FRAMEWORKS,
  complianceFrameworkOf,
  type ComplianceControl,
  type ComplianceFramework,
  type ComplianceFrameworkCatalog,
} from './compliance-catalog';
export {
  AGGREGATED_ACTIONS,
  EVIDENCE_KIND_DEFINITIONS,
  EVIDENCE_KINDS,
  evidenceKindsOf,
  type EvidenceFacts,
  type EvidenceKind,
  type EvidenceKindDefinition,
  type EvidenceMatcher,
} from './evidence-kinds';
