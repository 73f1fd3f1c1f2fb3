import { BillingPageQuery } from '@comply/contracts';
import { invalidRequest } from '@comply/service-runtime';

/** Where a page of a newest-first listing ends: the last item's created_at (to the microsecond, as text) and its id. */
export interface PagePosition {
  at: string;
  id: string;
}

const MICROSECOND_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const STRIPE_ID = /^[A-Za-z0-9_]{1,255}$/;

/** `nextCursor` is base64url JSON of the last item's position; opaque to clients. */
export function encodePageCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify({ at: position.at, id: position.id }), 'utf8').toString('base64url');
}

/** The position a cursor names, or undefined when it is not one this service issued. */
export function decodePageCursor(cursor: string): PagePosition | undefined {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof decoded !== 'object' || decoded === null) return undefined;
  const { at, id } = decoded as Record<string, unknown>;
  if (typeof at !== 'string' || !MICROSECOND_UTC.test(at) || Number.isNaN(Date.parse(at))) return undefined;
  if (typeof id !== 'string' || !STRIPE_ID.test(id)) return undefined;
  return { at, id };
}

/** A validated page query, its cursor decoded to the position the page starts after. */
export interface Page {
  limit: number;
  after?: PagePosition;
}

export function pageOf(query: BillingPageQuery): Page {
  if (query.cursor === undefined) return { limit: query.limit };
  const after = decodePageCursor(query.cursor);
  if (!after) throw invalidRequest('query', [{ path: 'cursor', message: 'Not a cursor of a previous page: pass nextCursor unchanged' }]);
  return { limit: query.limit, after };
}

/** One row more than the page was read, which tells whether another page follows. */
export function pageFrom<R extends { cursorAt: string }, T>(rows: R[], page: Page, idOf: (row: R) => string, view: (row: R) => T): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(view),
    nextCursor: rows.length > page.limit && last ? encodePageCursor({ at: last.cursorAt, id: idOf(last) }) : null,
  };
}
