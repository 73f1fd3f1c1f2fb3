import { Inject, Injectable } from '@nestjs/common';
import type { MappingSubmissionV1, RecordStoredV1 } from '@comply/contracts';
import { FieldEncryptor } from '@comply/crypto';
import { addAllToOutbox, OutgoingEvent } from '@comply/messaging';
import { SERVICE_METRICS } from '@comply/service-runtime';
import type { ServiceMetrics } from '@comply/observability';
import { Counter } from 'prom-client';
import { AuditActor, auditEvent } from '../audit/audit-event';
import { CoreTransaction } from '../database/core-database';
import { uuidv7 } from '../database/uuidv7';
import { encryptSourceData } from '../encryption/source-data-cipher';
import { taxonomyPaths } from '../records/taxonomy-paths';
import { TenantsRepository, TenantState } from '../tenants/tenants.repository';
import { admissionRejections, firstOccurrences, ItemRejection, quotaResetAt, recordsWithinQuota, usageMonth } from './ingest-rules';
import { MappingIngestRepository, NewRecordRow } from './mapping-ingest.repository';

/** One mapping to store, with where it came from. */
export interface IngestItem {
  mapping: MappingSubmissionV1;
  correlationId: string;
  /** The bus message that carried it. */
  causationId?: string;
  traceparent?: string;
}

export interface IngestOrigin {
  channel: 'http' | 'bus';
  actor: AuditActor;
}

export interface IngestOutcome {
  requestId: string;
  recordId: string;
  status: 'stored' | 'duplicate';
}

/** What became of a submission: an outcome per stored or duplicate mapping (submission order), a rejection per refused one. */
export interface IngestResult {
  outcomes: IngestOutcome[];
  rejections: ItemRejection[];
}

const DAY_MS = 86_400_000;

interface Candidate {
  index: number;
  item: IngestItem;
  recordId: string;
}

/**
 * Stores mapping results for one tenant, the same way whether they came over HTTP or the bus:
 * idempotent on (tenant, requestId), quota-checked, source data encrypted, and with
 * record.stored.v1 plus audit.event.v1 in the outbox of the same transaction. A mapping a rule
 * refuses leaves no trace (no ledger key, no usage, no record) and comes back as a rejection:
 * the bus dead-letters just that message, HTTP refuses the whole request (rolling back the rest).
 */
@Injectable()
export class MappingIngestService {
  private readonly stored: Counter;

  constructor(
    private readonly encryptor: FieldEncryptor,
    private readonly repository: MappingIngestRepository,
    private readonly tenants: TenantsRepository,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
  ) {
    this.stored = new Counter({
      name: 'core_records_ingested_total',
      help: 'Mapping results by channel and outcome (stored, duplicate).',
      labelNames: ['channel', 'status'],
      registers: [metrics.registry],
    });
  }

  /** `tx` must carry `tenantId` as app.tenant_id. */
  async ingest(tx: CoreTransaction, tenantId: string, items: IngestItem[], origin: IngestOrigin): Promise<IngestResult> {
    const tenant = await this.tenants.stateOf(tx, tenantId);
    const rejected = new Map(admissionRejections(tenantId, tenant, items.map((item) => item.mapping.detector.name)).map((r) => [r.index, r]));
    const first = firstOccurrences(items.map((item) => item.mapping.requestId));
    const now = Date.now();
    const createdAt = new Date(now);
    const candidates: Candidate[] = items.flatMap((item, index) => (first[index] === index && !rejected.has(index) ? [{ index, item, recordId: uuidv7(now) }] : []));
    if (!tenant || candidates.length === 0) return this.resultOf(items, first, rejected, new Map(), origin);

    const expiresAt = new Date(now + tenant.retentionDays * DAY_MS);
    const claimed = await this.repository.claimRequestIds(
      tx,
      candidates.map(({ item, recordId }) => ({ tenantId, requestId: item.mapping.requestId, recordId, expiresAt })),
    );
    const fresh = candidates.filter(({ item }) => claimed.has(item.mapping.requestId));
    const earlier = await this.repository.recordIdsOf(
      tx,
      tenantId,
      candidates.filter(({ item }) => !claimed.has(item.mapping.requestId)).map(({ item }) => item.mapping.requestId),
    );
    const admitted = await this.withinQuota(tx, tenant, fresh, createdAt, rejected);

    const rows = await Promise.all(admitted.map(({ item, recordId }) => this.recordRow(tenantId, recordId, item, createdAt, expiresAt)));
    await this.repository.insertRecords(tx, rows);
    await addAllToOutbox(tx, admitted.flatMap(({ item, recordId }) => this.eventsOf(tenantId, recordId, item, createdAt, origin)));

    const recordIds = new Map<number, { recordId: string; stored: boolean }>();
    for (const { index, recordId } of admitted) recordIds.set(index, { recordId, stored: true });
    for (const { index, item } of candidates) {
      const recordId = earlier.get(item.mapping.requestId);
      if (recordId) recordIds.set(index, { recordId, stored: false });
    }
    return this.resultOf(items, first, rejected, recordIds, origin);
  }

  /**
   * Adds the new records to the month's usage; those beyond the quota are rejected, their ledger
   * keys released and their usage taken back, so a resend after the quota grows is stored.
   */
  private async withinQuota(tx: CoreTransaction, tenant: TenantState, fresh: Candidate[], createdAt: Date, rejected: Map<number, ItemRejection>): Promise<Candidate[]> {
    if (fresh.length === 0) return fresh;
    const month = usageMonth(createdAt);
    const used = await this.repository.addUsage(tx, tenant.id, month, fresh.length);
    const fitting = recordsWithinQuota(tenant.monthlyRecordQuota, used - fresh.length, fresh.length);
    if (fitting === fresh.length) return fresh;
    const excess = fresh.slice(fitting);
    await this.repository.releaseRequestIds(tx, tenant.id, excess.map(({ item }) => item.mapping.requestId));
    await this.repository.addUsage(tx, tenant.id, month, -excess.length);
    const message = `Monthly record quota of ${tenant.monthlyRecordQuota} reached for tenant ${tenant.id}: ${fitting} of ${fresh.length} new records fit in ${month}`;
    for (const { index } of excess) rejected.set(index, { index, code: 'QuotaExceeded', message, retryAt: quotaResetAt(createdAt) });
    return fresh.slice(0, fitting);
  }

  /** A repeat of a request id shares the fate of its first occurrence: the same record, or the same rejection. */
  private resultOf(
    items: IngestItem[],
    first: number[],
    rejected: Map<number, ItemRejection>,
    recordIds: Map<number, { recordId: string; stored: boolean }>,
    origin: IngestOrigin,
  ): IngestResult {
    const outcomes: IngestOutcome[] = [];
    const rejections: ItemRejection[] = [];
    items.forEach((item, index) => {
      const own = rejected.get(index) ?? rejected.get(first[index]);
      if (own) {
        rejections.push({ ...own, index });
        return;
      }
      const record = recordIds.get(first[index]);
      if (!record) throw new Error(`request id ${item.mapping.requestId} is in the ledger without a record id`);
      const status = record.stored && first[index] === index ? 'stored' : 'duplicate';
      outcomes.push({ requestId: item.mapping.requestId, recordId: record.recordId, status });
      this.stored.inc({ channel: origin.channel, status });
    });
    return { outcomes, rejections };
  }

  private async recordRow(tenantId: string, id: string, item: IngestItem, createdAt: Date, expiresAt: Date): Promise<NewRecordRow> {
    const { mapping } = item;
    return {
      id,
      tenantId,
      requestId: mapping.requestId,
      detectorName: mapping.detector.name,
      detectorType: mapping.detector.type,
      detectorVersion: mapping.detector.version,
      modelVersion: mapping.modelVersion,
      taxonomy: mapping.taxonomy,
      taxonomyPaths: taxonomyPaths(mapping.taxonomy),
      scores: mapping.scores,
      confidence: mapping.confidence,
      latencyMs: mapping.latencyMs,
      metadata: mapping.metadata ?? null,
      provenance: mapping.provenance ?? null,
      sourceData: await encryptSourceData(this.encryptor, tenantId, id, mapping.sourceData),
      correlationId: item.correlationId,
      occurredAt: new Date(mapping.occurredAt),
      expiresAt,
      createdAt,
    };
  }

  private eventsOf(tenantId: string, recordId: string, item: IngestItem, storedAt: Date, origin: IngestOrigin): OutgoingEvent[] {
    const { mapping } = item;
    const stored: RecordStoredV1 = {
      tenantId,
      recordId,
      requestId: mapping.requestId,
      detector: mapping.detector,
      taxonomy: mapping.taxonomy,
      confidence: mapping.confidence,
      modelVersion: mapping.modelVersion,
      storedAt: storedAt.toISOString(),
    };
    const envelope = { tenantId, correlationId: item.correlationId, causationId: item.causationId, traceparent: item.traceparent };
    return [
      { type: 'record.stored.v1', payload: stored, ...envelope },
      auditEvent(
        {
          actor: origin.actor,
          action: 'record.create',
          resource: { type: 'record', id: recordId },
          details: { requestId: mapping.requestId, channel: origin.channel },
          ...envelope,
        },
        storedAt,
      ),
    ];
  }
}
