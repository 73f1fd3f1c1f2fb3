import { Inject, Injectable } from '@nestjs/common';
import type { AuditEventList, AuditEventsQuery } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { AuditDatabase } from '../database/audit-database';
import { entryResponseOf } from '../entries/stored-entry';
import { AuditLogReaderRepository } from '../log-access/audit-log-reader.repository';
import { encodeEntryCursor, sequenceAfter } from './entry-cursor';

/** Entries of one log, filtered, in log order; pages never skip or repeat an entry (entries never change). */
@Injectable()
export class AuditEventsService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AuditDatabase,
    private readonly reader: AuditLogReaderRepository,
  ) {}

  async list(logId: string, query: AuditEventsQuery): Promise<AuditEventList> {
    const after = sequenceAfter(query.cursor);
    const filters = {
      ...query,
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
    };
    // One row more than the page tells whether another page follows.
    const rows = await withTenant(this.database.db, logId, (tx) => this.reader.entries(tx, logId, filters, after, query.limit + 1));
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    return { items: items.map(entryResponseOf), nextCursor: rows.length > query.limit && last ? encodeEntryCursor(last.sequence) : null };
  }
}
