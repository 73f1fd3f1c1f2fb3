import { NotFoundException } from '@nestjs/common';
import { invalidRequest } from '@comply/service-runtime';
import type { Reader } from '@comply/tenant-directory';
import { PLATFORM_LOG_ID } from '../database/schema';

/** The log a request names: `log` or `tenantId` (the same thing for a tenant's log). */
export interface LogSelection {
  log?: string;
  tenantId?: string;
}

/** Answered for any log the caller may not read, exactly as for a log that does not exist. */
export function noSuchLog(): NotFoundException {
  return new NotFoundException('No such audit log');
}

/**
 * The log `reader` reads. A tenant key reads its own log; naming another is answered like an
 * unknown log. A tenant whose id is the platform log's reads nothing (no real tenant has it:
 * audit-writer refuses its events). The admin token must name a log.
 */
export function selectedLog(reader: Reader, selection: LogSelection): string {
  if (selection.log !== undefined && selection.tenantId !== undefined && selection.log !== selection.tenantId) {
    throw invalidRequest('query', [{ path: 'tenantId', message: 'Names another log than `log`: pass one of them' }]);
  }
  const named = selection.log ?? selection.tenantId;
  if (reader.kind === 'admin') {
    if (named === undefined) throw invalidRequest('query', [{ path: 'log', message: 'Required with the admin token: a tenant id, or "platform"' }]);
    if (selection.tenantId === PLATFORM_LOG_ID) throw invalidRequest('query', [{ path: 'tenantId', message: 'The platform log is not a tenant\'s: pass log=platform' }]);
    return named;
  }
  if (reader.tenantId === PLATFORM_LOG_ID || (named !== undefined && named !== reader.tenantId)) throw noSuchLog();
  return reader.tenantId;
}
