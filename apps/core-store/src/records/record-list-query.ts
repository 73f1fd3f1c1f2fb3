import { parseContract, RecordListQuery, recordListQuery } from '@comply/contracts';
import { decodeRecordCursor, RecordPosition } from './record-cursor';
import { invalidRequest } from '@comply/service-runtime';

/** A validated GET /v1/records query, its cursor decoded to the position the page starts after. */
export type RecordListFilters = Omit<RecordListQuery, 'cursor'> & { after?: RecordPosition };

/** The query string as filters, or a 400 naming every bad parameter, unknown ones included. */
export function recordListFiltersOf(query: Record<string, unknown>): RecordListFilters {
  const result = parseContract(recordListQuery, query);
  if (!result.ok) throw invalidRequest('query', result.issues);
  const { cursor, ...filters } = result.value;
  if (cursor === undefined) return filters;
  const after = decodeRecordCursor(cursor);
  if (!after) throw invalidRequest('query', [{ path: 'cursor', message: 'Not a cursor of a previous page: pass nextCursor unchanged' }]);
  return { ...filters, after };
}
