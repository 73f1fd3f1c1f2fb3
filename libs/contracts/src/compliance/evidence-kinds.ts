import type { AuditActorType, AuditOutcome } from '../events/audit-events';

export const EVIDENCE_KINDS = [
  'admin-action',
  'key-creation',
  'key-revocation',
  'data-key-rotation',
  'erasure',
  'failed-authentication',
  'sensitive-record-access',
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** The audit entries a kind counts: every listed field must match (an absent one matches anything). */
export interface EvidenceMatcher {
  actions?: readonly string[];
  actorTypes?: readonly AuditActorType[];
  outcomes?: readonly AuditOutcome[];
}

export type EvidenceKindDefinition = { title: string; description: string } & (
  | {
      collected: true;
      matcher: EvidenceMatcher;
      /** Each entry aggregates `details.count` occurrences (a positive integer; 1 when absent), so the kind counts their sum, not entries. */
      aggregated?: true;
    }
  | { collected: false; notCollectedReason: string }
);

/** The fields of an audit entry that decide which kinds of evidence it is. */
export interface EvidenceFacts {
  action: string;
  outcome: string;
  actorType: string;
}

/**
 * What each kind of evidence counts in the audit trail, by the actions services emit today
 * (core-store's admin API and the out-of-band triggers on its database, the tenant.erase of every
 * service, the failed-authentication tally of the shared key guard). A kind no service emits is not
 * collected: reports say so rather than count zero.
 */
export const EVIDENCE_KIND_DEFINITIONS: Readonly<Record<EvidenceKind, EvidenceKindDefinition>> = {
  'admin-action': {
    title: 'Administrative actions',
    description:
      'Every action by a person: the operator holding the admin token (actor platform-admin) and database users changing tenants, configs, API keys, data keys or records around the service (actor = their database role).',
    collected: true,
    matcher: { actorTypes: ['user'] },
  },
  'key-creation': {
    title: 'API key creation',
    description: 'api_key.create (admin API) and api_key.insert (a key written straight into the database).',
    collected: true,
    matcher: { actions: ['api_key.create', 'api_key.insert'], outcomes: ['success'] },
  },
  'key-revocation': {
    title: 'API key revocation',
    description: 'api_key.revoke (admin API) and api_key.delete (a key deleted straight from the database).',
    collected: true,
    matcher: { actions: ['api_key.revoke', 'api_key.delete'], outcomes: ['success'] },
  },
  'data-key-rotation': {
    title: 'Data-key rotation',
    description: "data_key.rotate (a tenant's new data key) and data_key.rewrap (data keys wrapped again under a new key-encryption key).",
    collected: true,
    matcher: { actions: ['data_key.rotate', 'data_key.rewrap'], outcomes: ['success'] },
  },
  erasure: {
    title: 'Erasures',
    description:
      "tenant.erase (the operator's request, then one entry per service that erased its part), record.erase (records of an erased tenant removed) and record.delete (a record deleted through the API or the database).",
    collected: true,
    matcher: { actions: ['tenant.erase', 'record.erase', 'record.delete'], outcomes: ['success'] },
  },
  'failed-authentication': {
    title: 'Failed authentication',
    description:
      'Requests refused for a missing, malformed, unknown or revoked API key, a wrong secret, a suspended tenant, a missing scope, or a missing or wrong admin token. Each auth.api_key or auth.admin_token entry (outcome denied) aggregates the refusals of one reason, tenant and key over a service\'s flush interval (60 s by default): the count is the sum of their details.count.',
    collected: true,
    matcher: { actions: ['auth.api_key', 'auth.admin_token'], outcomes: ['denied'] },
    aggregated: true,
  },
  'sensitive-record-access': {
    title: 'Access to records with sensitive labels',
    description: "Reads of records whose taxonomy labels are mapped to the control (e.g. PHI for HIPAA 164.312(a)(1)).",
    collected: false,
    notCollectedReason:
      'Record reads are not audited (an outbox write per read would put a write on every read), and record.create entries carry record ids, not taxonomy labels.',
  },
};

function matches(list: readonly string[] | undefined, value: string): boolean {
  return list === undefined || list.includes(value);
}

/** The collected kinds of evidence an audit entry with these facts is. */
export function evidenceKindsOf(facts: EvidenceFacts): EvidenceKind[] {
  return EVIDENCE_KINDS.filter((kind) => {
    const definition = EVIDENCE_KIND_DEFINITIONS[kind];
    if (!definition.collected) return false;
    const { actions, actorTypes, outcomes } = definition.matcher;
    return matches(actions, facts.action) && matches(actorTypes, facts.actorType) && matches(outcomes, facts.outcome);
  });
}

/** Actions whose entries each stand for `details.count` occurrences (the matchers of aggregated kinds). */
export const AGGREGATED_ACTIONS: readonly string[] = EVIDENCE_KINDS.flatMap((kind) => {
  const definition = EVIDENCE_KIND_DEFINITIONS[kind];
  return definition.collected && definition.aggregated ? (definition.matcher.actions ?? []) : [];
});
