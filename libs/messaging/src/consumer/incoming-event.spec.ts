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

  it('refuses bytes that are not UTF-8 instead of reading them as U+FFFD', () => {
    const invalid = Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80, 0xff]), Buffer.from('"}')]);
    expect(decodeBody(invalid)).toEqual({ ok: false, error: 'body is not valid UTF-8' });
    expect(decodeBody(new Uint8Array(Buffer.from('{"name":"é"}')))).toEqual({ ok: true, value: { name: 'é' } });
  });
});
