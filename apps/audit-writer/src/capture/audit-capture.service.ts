import { Injectable } from '@nestjs/common';
import type { IncomingEvent } from '@comply/messaging';
import { AuditTransaction } from '../database/audit-database';
import { PLATFORM_LOG_ID } from '../database/schema';
import { canonicalEntryOf, logIdOf } from '../entries/audit-entry';
import { canonicalBytes } from '../ledger/canonical-json';
import { entryHash } from '../ledger/hash-chain';
import { MerkleAccumulator } from '../ledger/merkle-accumulator';
import { leafHash } from '../ledger/merkle-tree';
import { AppendedRow, AuditAppendRepository } from './audit-append.repository';
import { FrontierBackfill } from './frontier-backfill';

type AuditIncoming = IncomingEvent<'audit.event.v1'>;

/** An event the trail refuses for good: it is dead-lettered with this reason, the rest of the batch commits. */
export type RejectEvent = (event: AuditIncoming, reason: string, description: string) => void;

/**
 * Appends a batch of audit events to their logs, in order of arrival per log. Logs are taken in
 * sorted order, so two batches that share logs lock them in the same order and never deadlock.
 * Per log: lock the head, then number, canonicalize and chain the log's events from it, extend
 * the log's Merkle frontier with their leaves, write them in one statement and move the head and
 * the frontier.
 */
@Injectable()
export class AuditCaptureService {
  constructor(
    private readonly repository: AuditAppendRepository,
    private readonly frontiers: FrontierBackfill,
  ) {}

  async append(tx: AuditTransaction, events: AuditIncoming[], reject: RejectEvent): Promise<void> {
    const byLog = new Map<string, AuditIncoming[]>();
    // libs/messaging hands over each message once: the inbox keeps out redeliveries, and a batch
    // never carries two copies of one message.
    for (const event of events) {
      if (event.payload.tenantId === PLATFORM_LOG_ID) {
        reject(event, 'ReservedLogId', `tenant id "${PLATFORM_LOG_ID}" names the platform log and cannot be a tenant's`);
        continue;
      }
      const logId = logIdOf(event.payload);
      const log = byLog.get(logId) ?? [];
      log.push(event);
      byLog.set(logId, log);
    }
    for (const logId of [...byLog.keys()].sort()) await this.appendToLog(tx, logId, byLog.get(logId) ?? [], reject);
  }

  private async appendToLog(tx: AuditTransaction, logId: string, events: AuditIncoming[], reject: RejectEvent): Promise<void> {
    const head = await this.repository.lockHead(tx, logId);
    let tree: MerkleAccumulator;
    if (head.frontier) {
      tree = MerkleAccumulator.fromFrontier(head.size, head.frontier);
    } else {
      tree = await this.frontiers.fromLeaves(tx, logId, head.size);
      await this.repository.backfillFrontier(tx, logId, tree.frontier());
    }
    const rows: AppendedRow[] = [];
    let prevHash = head.headHash;
    for (const event of events) {
      const entry = canonicalEntryOf(event.payload, event.messageId, logId, head.size + rows.length + 1, head.recordedAt);
      let canonical: Buffer;
      try {
        canonical = canonicalBytes(entry);
      } catch (error) {
        reject(event, 'NotCanonicalizable', `the entry has no RFC 8785 form: ${(error as Error).message}`);
        continue;
      }
      const hash = entryHash(prevHash, canonical);
      const leaf = leafHash(canonical);
      tree.add(leaf);
      rows.push({
        sequence: entry.sequence,
        occurredAt: entry.occurredAt,
        eventId: entry.eventId,
        actorType: entry.actor.type,
        actorId: entry.actor.id,
        action: entry.action,
        resourceType: entry.resource.type,
        resourceId: entry.resource.id,
        outcome: entry.outcome,
        correlationId: entry.correlationId,
        service: entry.source.service,
        host: entry.source.host,
        sourceIp: entry.source.ip,
        userAgent: entry.source.userAgent,
        details: entry.details,
        canonical,
        leafHash: leaf,
        prevHash,
        hash,
      });
      prevHash = hash;
    }
    await this.repository.append(tx, logId, rows, head.recordedAt, tree.frontier());
  }
}
