import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { taxonomyPaths, type MappingSubmissionV1, type RecordStoredV1 } from '@comply/contracts';
import { FieldEncryptor } from '@comply/crypto';
import { addAllToOutbox, AuditActor, auditEvent, OutgoingEvent } from '@comply/messaging';
import { SERVICE_METRICS } from '@comply/service-runtime';
import type { ServiceMetrics } from '@comply/observability';
import { Counter } from 'prom-client';
import { CoreTransaction } from '../database/core-database';
import { uuidv7 } from '../database/uuidv7';
import { encryptSourceData } from '../encryption/source-data-cipher';
import { TenantsRepository, TenantState } from '../tenants/tenants.repository';
import { admissionRejections, firstOccurrences, ItemRejection, quotaResetAt, recordsWithinQuota, usageMonth } from './ingest-rules';
import { MappingIngestRepository, NewRecord, RecordBatch } from './mapping-ingest.repository';

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
/** Record ids one record.create audit event lists: 200 ids keep its details well under their 16 KiB. */
const AUDITED_RECORDS_PER_EVENT = 200;

interface Candidate {
  index: number;
  item: IngestItem;
  record: NewRecord;
}

/** What a write of candidates produced: the ones stored now (in order) and the record ids of those stored before. */
interface Written {
  stored: Candidate[];
  earlier: Map<string, string>;
}

/** Raised inside the savepoint when the records just written take the month's usage over the quota. */
class QuotaOverflow extends Error {}

/** Raised inside a submission's savepoint when a rule refused part of it, to undo the rest. */
class SubmissionRefused extends Error {
  constructor(readonly result: IngestResult) {
    super('submission refused');
  }
}

/**
 * Stores mapping results for one tenant, the same way whether they came over HTTP or the bus:
 * idempotent on (tenant, requestId), quota-checked, source data encrypted, and with
 * record.stored.v1 plus audit.event.v1 in the outbox of the same transaction. A mapping a rule
 * refuses leaves no trace (no ledger key, no usage, no record) and comes back as a rejection:
 * the bus dead-letters just that message, HTTP refuses the whole request (rolling back the rest).
 *
 * The usage row is the one lock every ingest of a tenant shares, so it is taken last, when the
 * records are written: concurrent batches of one tenant overlap in all but their commit. Only a
 * batch that would go over the quota is redone from a savepoint, counting first.
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

  /**
   * Stores what the rules allow and returns a rejection for each mapping refused, which leaves no
   * trace. For submissions that are one mapping each (bus messages of mapping.result.v1).
   * `tx` must carry `tenantId` as app.tenant_id.
   */
  async ingest(tx: CoreTransaction, tenantId: string, items: IngestItem[], origin: IngestOrigin): Promise<IngestResult> {
    const result = await this.attempt(tx, tenantId, items, origin);
    this.count(result, origin);
    return result;
  }

  /**
   * Stores each submission whole or not at all (an HTTP request, a mapping.batch.v1 message): a
   * submission with any refused mapping stores none of its mappings and comes back with every
   * rejection, indexed within it. All submissions are tried together first; only when a rule
   * refuses something are they redone one by one, so the others still get stored.
   * `tx` must carry `tenantId` as app.tenant_id.
   */
  async ingestAllOrNone(tx: CoreTransaction, tenantId: string, submissions: IngestItem[][], origin: IngestOrigin): Promise<IngestResult[]> {
    const together = await this.attemptWhole(tx, tenantId, submissions.flat(), origin);
    if (together.rejections.length === 0) {
      let start = 0;
      return submissions.map((items) => {
        const outcomes = together.outcomes.slice(start, (start += items.length));
        return { outcomes, rejections: [] };
      });
    }
    const results: IngestResult[] = [];
    for (const items of submissions) results.push(submissions.length === 1 ? together : await this.attemptWhole(tx, tenantId, items, origin));
    return results;
  }

  /** One submission in a savepoint, rolled back when anything in it was refused; counted only when kept. */
  private async attemptWhole(tx: CoreTransaction, tenantId: string, items: IngestItem[], origin: IngestOrigin): Promise<IngestResult> {
    try {
      const result = await tx.transaction(async (savepoint) => {
        const attempt = await this.attempt(savepoint, tenantId, items, origin);
        if (attempt.rejections.length > 0) throw new SubmissionRefused(attempt);
        return attempt;
      });
      this.count(result, origin);
      return result;
    } catch (error) {
      if (!(error instanceof SubmissionRefused)) throw error;
      return { outcomes: [], rejections: error.result.rejections };
    }
  }

  private count(result: IngestResult, origin: IngestOrigin): void {
    for (const { status } of result.outcomes) this.stored.inc({ channel: origin.channel, status });
  }

  private async attempt(tx: CoreTransaction, tenantId: string, items: IngestItem[], origin: IngestOrigin): Promise<IngestResult> {
    const tenant = await this.tenants.stateOf(tx, tenantId);
    const rejected = new Map(admissionRejections(tenantId, tenant, items.map((item) => item.mapping.detector.name)).map((r) => [r.index, r]));
    const first = firstOccurrences(items.map((item) => item.mapping.requestId));
    const now = Date.now();
    const createdAt = new Date(now);
    if (!tenant) return this.resultOf(items, first, rejected, new Map());
    const candidates = await Promise.all(
      items.flatMap((item, index) => (first[index] === index && !rejected.has(index) ? [this.candidate(tenantId, index, item, now)] : [])),
    );
    if (candidates.length === 0) return this.resultOf(items, first, rejected, new Map());

    const batch = (chosen: Candidate[]): RecordBatch => ({
      tenantId,
      createdAt,
      expiresAt: new Date(now + tenant.retentionDays * DAY_MS),
      records: chosen.map((candidate) => candidate.record),
    });
    const month = usageMonth(createdAt);
    let written: Written;
    try {
      written = await tx.transaction(async (savepoint) => {
        const result = await this.write(savepoint, candidates, batch, origin);
        // A batch of resends stores nothing: no need for the lock every ingest of the tenant shares.
        if (result.stored.length === 0) return result;
        const used = await this.repository.addUsage(savepoint, tenantId, month, result.stored.length);
        if (recordsWithinQuota(tenant.monthlyRecordQuota, used - result.stored.length, result.stored.length) < result.stored.length) throw new QuotaOverflow();
        return result;
      });
    } catch (error) {
      if (!(error instanceof QuotaOverflow)) throw error;
      written = await this.writeWithinQuota(tx, tenant, candidates, batch, origin, createdAt, rejected);
    }

    const recordIds = new Map<number, { recordId: string; stored: boolean }>();
    for (const { index, record } of written.stored) recordIds.set(index, { recordId: record.id, stored: true });
    for (const { index, item } of candidates) {
      const recordId = written.earlier.get(item.mapping.requestId);
      if (recordId) recordIds.set(index, { recordId, stored: false });
    }
    return this.resultOf(items, first, rejected, recordIds);
  }

  /** Claims the keys and stores the records of the candidates not stored before, with their events. */
  private async write(tx: CoreTransaction, candidates: Candidate[], batch: (chosen: Candidate[]) => RecordBatch, origin: IngestOrigin): Promise<Written> {
    const all = batch(candidates);
    const claimed = await this.repository.claimAndStore(tx, all);
    const stored = candidates.filter(({ item }) => claimed.has(item.mapping.requestId));
    await addAllToOutbox(tx, this.eventsOf(all, stored, origin));
    return { stored, earlier: await this.earlierRecords(tx, all.tenantId, candidates, claimed) };
  }

  /**
   * The way over the quota: the usage row is locked first, so the count cannot move while this
   * batch decides; the records that still fit are stored, the others rejected with their keys given back.
   */
  private async writeWithinQuota(
    tx: CoreTransaction,
    tenant: TenantState,
    candidates: Candidate[],
    batch: (chosen: Candidate[]) => RecordBatch,
    origin: IngestOrigin,
    createdAt: Date,
    rejected: Map<number, ItemRejection>,
  ): Promise<Written> {
    const month = usageMonth(createdAt);
    const used = await this.repository.addUsage(tx, tenant.id, month, 0);
    const claimed = await this.repository.claim(tx, batch(candidates));
    const fresh = candidates.filter(({ item }) => claimed.has(item.mapping.requestId));
    const fitting = recordsWithinQuota(tenant.monthlyRecordQuota, used, fresh.length);
    const [stored, excess] = [fresh.slice(0, fitting), fresh.slice(fitting)];
    await this.repository.release(tx, tenant.id, excess.map(({ item }) => item.mapping.requestId));
    const storedBatch = batch(stored);
    await this.repository.store(tx, storedBatch);
    await addAllToOutbox(tx, this.eventsOf(storedBatch, stored, origin));
    await this.repository.addUsage(tx, tenant.id, month, stored.length);
    const message = `Monthly record quota of ${tenant.monthlyRecordQuota} reached for tenant ${tenant.id}: ${fitting} of ${fresh.length} new records fit in ${month}`;
    for (const { index } of excess) rejected.set(index, { index, code: 'QuotaExceeded', message, retryAt: quotaResetAt(createdAt) });
    return { stored, earlier: await this.earlierRecords(tx, tenant.id, candidates, claimed) };
  }

  /** Record ids of the candidates whose keys were claimed before this transaction. */
  private earlierRecords(tx: CoreTransaction, tenantId: string, candidates: Candidate[], claimed: Set<string>): Promise<Map<string, string>> {
    const repeats = candidates.filter(({ item }) => !claimed.has(item.mapping.requestId)).map(({ item }) => item.mapping.requestId);
    return this.repository.recordIdsOf(tx, tenantId, repeats);
  }

  /** A repeat of a request id shares the fate of its first occurrence: the same record, or the same rejection. */
  private resultOf(
    items: IngestItem[],
    first: number[],
    rejected: Map<number, ItemRejection>,
    recordIds: Map<number, { recordId: string; stored: boolean }>,
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
    });
    return { outcomes, rejections };
  }

  /** A mapping made ready to store: its record id, its row with the source data encrypted under that id. */
  private async candidate(tenantId: string, index: number, item: IngestItem, now: number): Promise<Candidate> {
    const { mapping } = item;
    const id = uuidv7(now);
    const record: NewRecord = {
      id,
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
    };
    return { index, item, record };
  }

  /**
   * A record.stored.v1 per record, and one audit.event.v1 (`record.create`) per
   * AUDITED_RECORDS_PER_EVENT records listing their ids. Its correlation id is the records' own
   * when they share one (an HTTP request); a bus batch gathers many flows, so it gets one of its
   * own, and each record keeps its flow's in storage_records.correlation_id.
   */
  private eventsOf(batch: RecordBatch, stored: Candidate[], origin: IngestOrigin): OutgoingEvent[] {
    const { tenantId, createdAt } = batch;
    const events: OutgoingEvent[] = stored.map(({ item, record }) => {
      const { mapping } = item;
      const payload: RecordStoredV1 = {
        tenantId,
        recordId: record.id,
        requestId: mapping.requestId,
        detector: mapping.detector,
        taxonomy: mapping.taxonomy,
        confidence: mapping.confidence,
        modelVersion: mapping.modelVersion,
        latencyMs: mapping.latencyMs,
        storedAt: createdAt.toISOString(),
      };
      return { type: 'record.stored.v1', payload, tenantId, correlationId: item.correlationId, causationId: item.causationId, traceparent: item.traceparent };
    });
    for (let start = 0; start < stored.length; start += AUDITED_RECORDS_PER_EVENT) {
      const group = stored.slice(start, start + AUDITED_RECORDS_PER_EVENT);
      const flows = new Set(group.map(({ item }) => item.correlationId));
      const single = group.length === 1 ? group[0].item : undefined;
      events.push(
        auditEvent(
          {
            actor: origin.actor,
            action: 'record.create',
            resource: { type: 'record', id: group.length === 1 ? group[0].record.id : undefined },
            details: { channel: origin.channel, recordIds: group.map(({ record }) => record.id) },
            tenantId,
            correlationId: flows.size === 1 ? group[0].item.correlationId : randomUUID(),
            causationId: single?.causationId,
            traceparent: single?.traceparent,
          },
          createdAt,
        ),
      );
    }
    return events;
  }
}
