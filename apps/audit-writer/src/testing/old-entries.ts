import { canonicalEntryOf } from '../entries/audit-entry';
import { canonicalBytes } from '../ledger/canonical-json';
import { entryHash, GENESIS_PREV_HASH } from '../ledger/hash-chain';
import { MerkleAccumulator } from '../ledger/merkle-accumulator';
import { leafHash } from '../ledger/merkle-tree';
import { AuditWriterTestApp, incomingAudit } from './audit-writer-test-app';

/**
 * Entries 1..n of a fresh log recorded in an old month, written as the capture path writes them
 * (canonical bytes, leaf hash, chain hash, head with its Merkle frontier), as the superuser: the
 * database clock cannot be moved back. `tamper` gives one entry an `action` column that differs
 * from its canonical bytes, as an edit behind the hashes' back would.
 */
export async function appendOld(app: AuditWriterTestApp, logId: string, month: string, count: number, tamper?: number): Promise<Buffer[]> {
  await app.sql(`select audit_ensure_partitions($1::date, 1)`, [month]);
  const tree = new MerkleAccumulator();
  const canonicals: Buffer[] = [];
  let prev = GENESIS_PREV_HASH;
  for (let sequence = 1; sequence <= count; sequence++) {
    const recordedAt = new Date(Date.parse(`${month}T00:00:00Z`) + sequence * 60_000 + 86_400_000);
    const event = incomingAudit(logId, { occurredAt: new Date(recordedAt.getTime() - 1_000).toISOString(), details: { n: sequence } });
    const entry = canonicalEntryOf(event.payload, event.messageId, logId, sequence, recordedAt);
    const canonical = canonicalBytes(entry);
    const leaf = leafHash(canonical);
    const hash = entryHash(prev, canonical);
    await app.sql(
      `insert into audit_log (log_id, sequence, tenant_id, occurred_at, recorded_at, event_id, actor_type, actor_id, action, resource_type, resource_id,
         outcome, correlation_id, service, host, source_ip, user_agent, details, canonical, leaf_hash, prev_hash, hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)`,
      [
        logId, sequence, entry.tenantId ?? null, entry.occurredAt, entry.recordedAt, entry.eventId, entry.actor.type, entry.actor.id,
        sequence === tamper ? 'tampered.action' : entry.action, entry.resource.type, entry.resource.id ?? null, entry.outcome, entry.correlationId,
        entry.source.service, entry.source.host ?? null, entry.source.ip ?? null, entry.source.userAgent ?? null,
        entry.details === undefined ? null : JSON.stringify(entry.details), canonical, leaf, prev, hash,
      ],
    );
    tree.add(leaf);
    canonicals.push(canonical);
    prev = hash;
  }
  await app.sql(`insert into audit_logs (log_id, tenant_id, size, head_hash, updated_at, frontier) values ($1, $1, $2, $3, $4, $5)`, [
    logId, count, prev, new Date(Date.parse(`${month}T00:00:00Z`) + 2 * 86_400_000), tree.frontier(),
  ]);
  return canonicals;
}
