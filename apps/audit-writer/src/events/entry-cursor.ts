import { invalidRequest } from '@comply/service-runtime';

/** `nextCursor`: base64url JSON of the last listed sequence; opaque to clients. */
export function encodeEntryCursor(sequence: number): string {
  return Buffer.from(JSON.stringify({ after: sequence }), 'utf8').toString('base64url');
}

/** The sequence a page starts after: 0 without a cursor; a cursor this service did not issue is a 400 naming it. */
export function sequenceAfter(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const after = (decoded as { after?: unknown } | undefined)?.after;
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 1) {
    throw invalidRequest('query', [{ path: 'cursor', message: 'Not a cursor of a previous page: pass nextCursor unchanged' }]);
  }
  return after;
}
