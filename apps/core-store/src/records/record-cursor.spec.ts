import { uuidv7 } from '../database/uuidv7';
import { decodeRecordCursor, encodeRecordCursor } from './record-cursor';

describe('record list cursor', () => {
  it('decodes to the id it was made from and the instant that id encodes', () => {
    const ms = Date.UTC(2026, 10, 3, 12, 30, 15, 123);
    const id = uuidv7(ms);
    expect(decodeRecordCursor(encodeRecordCursor(id))).toEqual({ id, createdAt: new Date(ms) });
  });

  it('is URL-safe', () => {
    expect(encodeRecordCursor(uuidv7())).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['not base64url', 'abc+/='],
    ['not JSON', Buffer.from('{"id":').toString('base64url')],
    ['JSON without an id', Buffer.from('{"at":"2026-11-01"}').toString('base64url')],
    ['JSON null', Buffer.from('null').toString('base64url')],
    ['an id that is not a string', Buffer.from('{"id":7}').toString('base64url')],
    ['a UUID that is not v7', Buffer.from(JSON.stringify({ id: '3b241101-e2bb-4255-8caf-4136c566a962' })).toString('base64url')],
  ])('rejects %s', (_what, cursor) => {
    expect(decodeRecordCursor(cursor)).toBeUndefined();
  });
});
