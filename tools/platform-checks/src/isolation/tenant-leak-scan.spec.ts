import { leakedMarkers, sameAnswerAsUnknown } from './tenant-leak-scan';

const markers = { "B's tenant id": 'iso-b-1234', "B's marker": 'isolation-marker-abcd' };

describe('leakedMarkers', () => {
  it('finds a marker in a header or anywhere in the body', () => {
    expect(leakedMarkers({ headers: { 'x-tenant': 'iso-b-1234' }, body: '{}' }, markers, [])).toEqual(["B's tenant id"]);
    expect(leakedMarkers({ headers: {}, body: '{"items":[{"text":"… isolation-marker-abcd …"}]}' }, markers, [])).toEqual(["B's marker"]);
    expect(leakedMarkers({ headers: {}, body: '{"items":[]}' }, markers, [])).toEqual([]);
  });

  it('leaves an echo of what the caller itself sent to the comparison with an unknown id', () => {
    expect(leakedMarkers({ headers: {}, body: '{"message":"No log iso-b-1234"}' }, markers, ['iso-b-1234'])).toEqual([]);
  });
});

describe('sameAnswerAsUnknown', () => {
  const other = { identifiers: ['iso-b-1234'] };
  const unknown = { identifiers: ['iso-unknown-1'] };

  it('holds when the answers differ only in the id named and the request id', () => {
    expect(
      sameAnswerAsUnknown(
        { ...other, status: 404, body: '{"message":"No log iso-b-1234","requestId":"r-1"}' },
        { ...unknown, status: 404, body: '{"message":"No log iso-unknown-1","requestId":"r-2"}' },
      ),
    ).toBe(true);
  });

  it('fails when the status or the wording tells the two apart', () => {
    expect(sameAnswerAsUnknown({ ...other, status: 403, body: '{}' }, { ...unknown, status: 404, body: '{}' })).toBe(false);
    expect(
      sameAnswerAsUnknown({ ...other, status: 404, body: '{"message":"Not yours"}' }, { ...unknown, status: 404, body: '{"message":"Not found"}' }),
    ).toBe(false);
  });
});
