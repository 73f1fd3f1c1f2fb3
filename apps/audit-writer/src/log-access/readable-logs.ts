import { Inject, Injectable } from '@nestjs/common';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import type { Reader } from '@comply/tenant-directory';
import { AuditDatabase } from '../database/audit-database';
import { AuditLogReaderRepository } from './audit-log-reader.repository';
import { LogSelection, noSuchLog, selectedLog } from './log-selection';

/**
 * The log a request reads. Besides what `selectedLog` refuses, a log the admin token names must
 * exist (something was appended to it), else 404 as documented; a tenant key's own log is always
 * its own, empty until its first entry.
 */
@Injectable()
export class ReadableLogs {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: AuditDatabase,
    private readonly logs: AuditLogReaderRepository,
  ) {}

  async select(reader: Reader, selection: LogSelection): Promise<string> {
    const logId = selectedLog(reader, selection);
    if (reader.kind === 'admin' && (await withTenant(this.database.db, logId, (tx) => this.logs.size(tx, logId))) === undefined) {
      throw noSuchLog();
    }
    return logId;
  }
}
