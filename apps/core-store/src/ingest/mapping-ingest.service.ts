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
import { tenantState, usageMonth } from '../tenants/tenant-state';
import { IngestRejection } from './ingest-rejection';
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

const DAY_MS = 86_400_000;

/**
 * Stores mapping results for one tenant, the same way whether they came over HTTP or the bus:
 * idempotent on (tenant, requestId), quota-checked, source data encrypted, and with
 * record.stored.v1 plus audit.event.v1 in the outbox of the same transaction.
 */
@Injectable()
export class MappingIngestService {
  private readonly repository = new MappingIngestRepository();
  private readonly stored: Counter;

  constructor(
    private readonly encryptor: FieldEncryptor,
    @Inject(SERVICE_METRICS) metrics: ServiceMetrics,
  ) {
    this.stored = new Counter({
      name: 'core_records_ingested_total',
      help: 'Mapping results by channel and outcome (stored, duplicate).',
      labelNames: ['channel', 'status'],
      registers: [metrics.registry],
    });
  }

  /** `tx` must carry `tenantId` as app.tenant_id. Throws IngestRejection when a rule refuses the submission. */
  async ingest(tx: CoreTransaction, tenantId: string, items: IngestItem[], origin: IngestOrigin): Promise<IngestOutcome[]> {
    const tenant = await tenantState(tx, tenantId);
    if (!tenant) throw new IngestRejection('UnknownTenant', `Tenant ${tenantId} does not exist`);
    if (tenant.status !== 'active') throw new IngestRejection('TenantNotActive', `Tenant ${tenantId} is ${tenant.status}`);
    items.forEach((item, index) => {
      const detector = item.mapping.detector.name;
      if (tenant.allowedDetectors && !tenant.allowedDetectors.includes(detector)) {
        throw new IngestRejection('DetectorNotAllowed', `Detector "${detector}" is not allowed for tenant ${tenantId}`, index);
      }
    });

    const now = Date.now();
    const createdAt = new Date(now);
    const expiresAt = new Date(now + tenant.retentionDays * DAY_MS);
    // The first occurrence of a request id within the submission is the one stored.
    const firstByRequest = new Map<string, { item: IngestItem; recordId: string }>();
    for (const item of items) {
      if (!firstByRequest.has(item.mapping.requestId)) firstByRequest.set(item.mapping.requestId, { item, recordId: uuidv7(now) });
    }
    const candidates = [...firstByRequest.values()];
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

    if (fresh.length > 0) {
      const month = usageMonth(createdAt);
      const used = await this.repository.addUsage(tx, tenantId, month, fresh.length);
      const quota = tenant.monthlyRecordQuota;
      if (quota !== null && used > quota) {
        const left = Math.max(0, quota - (used - fresh.length));
        throw new IngestRejection(
          'QuotaExceeded',
          `Monthly record quota of ${quota} reached for tenant ${tenantId}: ${left} left in ${month}, ${fresh.length} new submitted`,
          undefined,
          new Date(Date.UTC(createdAt.getUTCFullYear(), createdAt.getUTCMonth() + 1, 1)),
        );
      }
    }

    const rows = await Promise.all(fresh.map(({ item, recordId }) => this.recordRow(tenantId, recordId, item, createdAt, expiresAt)));
    await this.repository.insertRecords(tx, rows);
    await addAllToOutbox(tx, fresh.flatMap(({ item, recordId }) => this.eventsOf(tenantId, recordId, item, createdAt, origin)));

    const outcomes = items.map((item): IngestOutcome => {
      const requestId = item.mapping.requestId;
      const first = firstByRequest.get(requestId)!;
      const storedNow = claimed.has(requestId) && first.item === item;
      return { requestId, recordId: claimed.has(requestId) ? first.recordId : earlier.get(requestId)!, status: storedNow ? 'stored' : 'duplicate' };
    });
    for (const outcome of outcomes) this.stored.inc({ channel: origin.channel, status: outcome.status });
    return outcomes;
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
