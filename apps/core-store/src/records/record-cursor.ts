import { uuidv7Time } from '../database/uuidv7';

/** Where a page of GET /v1/records ends: the last record's id and the created_at it encodes. */
export interface RecordPosition {
  id: string;
  createdAt: Date;
}

/**
 * `nextCursor` is base64url JSON of the last record's id. A record id is a UUIDv7 whose timestamp is
 * its created_at, so the id alone gives the (created_at, id) position the listing is ordered by.
 */
export function encodeRecordCursor(id: string): string {
  return Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service issued. */
export function decodeRecordCursor(cursor: string): RecordPosition | undefined {
  // Buffer.from silently skips characters outside the alphabet; refuse them instead.
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const id = typeof decoded === 'object' && decoded !== null ? (decoded as { id?: unknown }).id : undefined;
  const createdAt = typeof id === 'string' ? uuidv7Time(id) : undefined;
  return createdAt && typeof id === 'string' ? { id: id.toLowerCase(), createdAt } : undefined;
}
