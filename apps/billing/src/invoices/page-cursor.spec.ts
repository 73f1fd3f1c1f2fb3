import { decodePageCursor, encodePageCursor, pageFrom, pageOf } from './page-cursor';

describe('page cursors', () => {
  const position = { at: '2026-11-30T23:59:59.123456Z', id: 'in_1QxYz' };

  it('round-trips the position to the microsecond', () => {
    expect(decodePageCursor(encodePageCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64url JSON', 'not-json'],
    ['JSON that is not an object', Buffer.from('"x"').toString('base64url')],
    ['a millisecond timestamp', Buffer.from(JSON.stringify({ at: '2026-11-30T23:59:59.123Z', id: 'in_1' })).toString('base64url')],
    ['an id Stripe never issues', Buffer.from(JSON.stringify({ at: position.at, id: "in_1' or 1=1" })).toString('base64url')],
    ['an impossible date', Buffer.from(JSON.stringify({ at: '2026-13-45T99:00:00.000000Z', id: 'in_1' })).toString('base64url')],
  ])('refuses %s', (_name, cursor) => {
    expect(decodePageCursor(cursor)).toBeUndefined();
  });

  it('answers 400 naming `cursor` for a cursor it did not issue', () => {
    expect(() => pageOf({ limit: 10, cursor: 'bm9wZQ' })).toThrow(expect.objectContaining({ response: expect.objectContaining({ issues: [expect.objectContaining({ path: 'cursor' })] }) }));
    expect(pageOf({ limit: 10 })).toEqual({ limit: 10 });
  });

  it('gives the next cursor only when a row beyond the page was read', () => {
    const rows = [1, 2, 3].map((n) => ({ id: `in_${n}`, cursorAt: `2026-11-0${n}T00:00:00.000000Z` }));
    const full = pageFrom(rows, { limit: 2 }, (row) => row.id, (row) => row.id);
    expect(full.items).toEqual(['in_1', 'in_2']);
    expect(decodePageCursor(full.nextCursor!)).toEqual({ at: '2026-11-02T00:00:00.000000Z', id: 'in_2' });
    expect(pageFrom(rows, { limit: 3 }, (row) => row.id, (row) => row.id).nextCursor).toBeNull();
  });
});
