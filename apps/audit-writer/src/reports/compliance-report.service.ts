import { Inject, Injectable } from '@nestjs/common';
import {
  AGGREGATED_ACTIONS,
  COMPLIANCE_CATALOG,
  EVIDENCE_KIND_DEFINITIONS,
  EVIDENCE_KINDS,
  evidenceKindsOf,
  NOT_COLLECTED,
  type ComplianceEvidence,
  type ComplianceFramework,
  type ComplianceReport,
  type EvidenceKind,
} from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { AuditDatabase } from '../database/audit-database';
import { LATEST_CHECKPOINT_SOURCE, type LatestCheckpointSource } from '../verification/latest-checkpoint-source';
import { ComplianceReportRepository, EntryGroup, GroupSample, ReportPeriod } from './compliance-report.repository';

/** Sequence numbers a report quotes per kind of evidence: enough to ask for proofs, few enough to read. */
export const SAMPLE_SEQUENCES = 5;

const groupKey = (group: Pick<EntryGroup, 'action' | 'outcome' | 'actorType'>) => JSON.stringify([group.action, group.outcome, group.actorType]);

/**
 * A framework's report over one log and period: the database counts entries per (action, outcome,
 * actor type); each group is then evidence of the kinds its facts match (libs/contracts), and each
 * control shows the kinds the catalog gives it. An aggregated kind (failed authentication) counts
 * the occurrences its entries stand for. A kind no service writes to the trail is "not collected",
 * never 0.
 */
@Injectable()
export class ComplianceReportService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AuditDatabase,
    private readonly repository: ComplianceReportRepository,
    @Inject(LATEST_CHECKPOINT_SOURCE) private readonly checkpoints: LatestCheckpointSource,
  ) {}

  async report(framework: ComplianceFramework, logId: string, period: ReportPeriod): Promise<ComplianceReport> {
    const catalog = COMPLIANCE_CATALOG[framework];
    const used = new Set(catalog.controls.flatMap((control) => control.evidence));
    const kinds = EVIDENCE_KINDS.filter((kind) => used.has(kind));
    // Before the counts: every entry the checkpoint covers is already there to be counted.
    const checkpoint = await this.checkpoints.latest(logId);
    const { groups, samples } = await withTenant(this.database.db, logId, async (tx) => {
      const all = await this.repository.groups(tx, logId, period, AGGREGATED_ACTIONS);
      const evidence = all.filter((group) => evidenceKindsOf(group).some((kind) => used.has(kind)));
      return { groups: all, samples: await this.repository.samples(tx, logId, period, evidence, SAMPLE_SEQUENCES) };
    });
    const evidence = new Map(kinds.map((kind) => [kind, evidenceOf(kind, groups, samples)]));
    const evidenceOfControl = (kind: EvidenceKind) => evidence.get(kind) as ComplianceEvidence;
    return {
      framework,
      frameworkTitle: catalog.title,
      logId,
      period: { from: period.from.toISOString(), to: period.to.toISOString() },
      generatedAt: new Date().toISOString(),
      checkpoint: checkpoint && { treeSize: checkpoint.treeSize, rootHash: Buffer.from(checkpoint.rootHash).toString('hex') },
      controls: catalog.controls.map((control) => ({
        id: control.id,
        title: control.title,
        labels: [...control.labels],
        note: control.note,
        evidence: control.evidence.map(evidenceOfControl),
      })),
      totals: {
        entries: groups.reduce((sum, group) => sum + group.count, 0),
        evidenceEntries: groups.filter((group) => evidenceKindsOf(group).some((kind) => used.has(kind))).reduce((sum, group) => sum + group.count, 0),
        byKind: Object.fromEntries(kinds.map((kind) => [kind, evidenceOfControl(kind).count])),
      },
    };
  }
}

function evidenceOf(kind: EvidenceKind, groups: EntryGroup[], samples: GroupSample[]): ComplianceEvidence {
  const definition = EVIDENCE_KIND_DEFINITIONS[kind];
  if (!definition.collected) return { kind, title: definition.title, count: NOT_COLLECTED, notCollectedReason: definition.notCollectedReason, sampleSequences: [] };
  const matching = groups.filter((group) => evidenceKindsOf(group).includes(kind));
  const keys = new Set(matching.map(groupKey));
  const sequences = samples
    .filter((sample) => keys.has(groupKey(sample)))
    .flatMap((sample) => sample.sequences)
    .sort((a, b) => a - b)
    .slice(0, SAMPLE_SEQUENCES);
  const first = matching.reduce<Date | undefined>((earliest, group) => (earliest && earliest <= group.firstAt ? earliest : group.firstAt), undefined);
  const last = matching.reduce<Date | undefined>((latest, group) => (latest && latest >= group.lastAt ? latest : group.lastAt), undefined);
  return {
    kind,
    title: definition.title,
    count: matching.reduce((sum, group) => sum + (definition.aggregated ? group.occurrences : group.count), 0),
    firstAt: first?.toISOString(),
    lastAt: last?.toISOString(),
    sampleSequences: sequences,
  };
}
