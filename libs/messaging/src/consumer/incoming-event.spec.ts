import { decodeBody } from './incoming-event';

describe('incoming messages', () => {
  it('reads JSON sent as text or bytes by producers in other languages', () => {
    expect(decodeBody(Buffer.from('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
    expect(decodeBody('{"a":2}')).toEqual({ ok: true, value: { a: 2 } });
    expect(decodeBody({ a: 3 })).toEqual({ ok: true, value: { a: 3 } });
  });

  it('reports a body that is not JSON without quoting it', () => {
    expect(decodeBody(Buffer.from('not json'))).toEqual({ ok: false, error: 'body is not JSON' });
    expect(decodeBody('{"ssn": "078-05-1120"')).toEqual({ ok: false, error: 'body is not JSON (at position 21)' });
    expect(decodeBody('{"a" 1}')).toEqual({ ok: false, error: 'body is not JSON (at position 5)' });
  });
});
