import type { ArchiveDatabase } from '@comply/contracts';

/** `archives/<database>/<table>/<request id>.cbk`: one blob per request, its manifest beside it. */
export function archiveBlobName(database: ArchiveDatabase, table: string, requestId: string): string {
  return `archives/${database}/${table}/${requestId}.cbk`;
}
