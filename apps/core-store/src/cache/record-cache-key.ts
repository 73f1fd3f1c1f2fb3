import { tenantKey } from '@comply/cache';

/** Cache key of one stored record (its row with source data still encrypted), in the tenant's namespace. */
export function recordCacheKey(tenantId: string, recordId: string): string {
  return tenantKey(tenantId, 'record', recordId);
}
