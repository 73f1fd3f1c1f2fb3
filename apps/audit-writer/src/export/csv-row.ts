import type { AuditLogRow } from '../database/schema';

/** The columns of a CSV export, in order: the readable fields of an entry and its hashes. */
export const CSV_COLUMNS = [
  'sequence',
  'occurredAt',
  'recordedAt',
  'actorType',
  'actorId',
  'action',
  'resourceType',
  'resourceId',
  'outcome',
  'correlationId',
  'service',
  'host',
  'ip',
  'userAgent',
  'details',
  'leafHash',
  'hash',
] as const;

/** Characters that make a spreadsheet read a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** RFC 4180: a field with a quote, comma or line break is quoted, its quotes doubled. */
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One CSV cell: text that a spreadsheet would run as a formula gets a leading apostrophe (shown
 * as text, never evaluated), then RFC 4180 quoting.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A record: cells joined by commas, ended by CRLF. */
export function csvRecord(cells: ReadonlyArray<string | number | null | undefined>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function csvHeaderRecord(): string {
  return csvRecord(CSV_COLUMNS);
}

/** The entry's record; `details` as compact JSON. */
export function csvEntryRecord(row: AuditLogRow): string {
  return csvRecord([
    row.sequence,
    row.occurredAt.toISOString(),
    row.recordedAt.toISOString(),
    row.actorType,
    row.actorId,
    row.action,
    row.resourceType,
    row.resourceId,
    row.outcome,
    row.correlationId,
    row.service,
    row.host,
    row.sourceIp,
    row.userAgent,
    row.details === null ? null : JSON.stringify(row.details),
    row.leafHash.toString('hex'),
    row.hash.toString('hex'),
  ]);
}
