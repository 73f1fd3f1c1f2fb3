import { Injectable } from '@nestjs/common';
import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { AuditTransaction } from '../database/audit-database';
import { auditArchiveLogs, auditArchives } from '../database/schema';

/** Where a log's archived entries end: the live log goes on from there. */
export interface ArchivedBoundary {
  /** The last archived entry; the first live one is this + 1. */
  sequence: number;
  /** Its hash: the first live entry's prev_hash. */
  hash: Buffer;
  /** The archived partition it is in. */
  partition: string;
}

@Injectable()
export class ArchivedBoundaryRepository {
  /** In the log's tenant context; undefined when none of the log was archived and dropped (a partition archived but not yet dropped is still read live). */
  async of(tx: AuditTransaction, logId: string): Promise<ArchivedBoundary | undefined> {
    const [row] = await tx
      .select({ sequence: auditArchiveLogs.lastSequence, hash: auditArchiveLogs.lastHash, partition: auditArchiveLogs.partition })
      .from(auditArchiveLogs)
      .innerJoin(auditArchives, eq(auditArchives.partition, auditArchiveLogs.partition))
      .where(and(eq(auditArchiveLogs.logId, logId), isNotNull(auditArchives.droppedAt)))
      .orderBy(desc(auditArchiveLogs.lastSequence))
      .limit(1);
    return row;
  }
}
