import { decodeLogRecords, encodeLogRecord, LogRecord } from './log-record';

const RECORDS: LogRecord[] = [
  {
    kind: 'stored',
    entity: 'events/Subscriptions/audit/$DeadLetterQueue',
    sequenceNumber: 42,
    enqueuedTimeMs: Date.UTC(2030, 0, 1),
    state: 'deferred',
    deliveryCount: 2,
    expiresAtMs: Date.UTC(2030, 0, 2),
    content: Buffer.from([0x00, 0x53, 0x75, 0xa0, 0x03, 0x01, 0x02, 0x03]),
  },
  { kind: 'stored', entity: 'jobs', sequenceNumber: 1, enqueuedTimeMs: 5, state: 'scheduled', deliveryCount: 0, scheduledEnqueueTimeMs: 9, content: Buffer.alloc(0) },
  { kind: 'removed', entity: 'jobs', sequenceNumber: 7 },
  { kind: 'sequence', entity: 'events', next: 100 },
  { kind: 'duplicate-id', entity: 'jobs', messageId: 'outbox-ü-1', acceptedAtMs: 123 },
];

function log(records: LogRecord[]): Buffer {
  return Buffer.concat(records.map(encodeLogRecord));
}

describe('message log record framing', () => {
  it('reads back every kind of record exactly as written, message bytes included', () => {
    const bytes = log(RECORDS);
    const decoded = decodeLogRecords(bytes);
    expect(decoded.records).toEqual(RECORDS);
    expect(decoded.validBytes).toBe(bytes.length);
  });

  it('reads an empty log as no records', () => {
    expect(decodeLogRecords(Buffer.alloc(0))).toEqual({ records: [], validBytes: 0 });
  });

  it('ignores a torn last record, wherever the write stopped', () => {
    const intact = log(RECORDS.slice(0, -1));
    const last = encodeLogRecord(RECORDS.at(-1)!);
    for (let cut = 0; cut < last.length; cut++) {
      const decoded = decodeLogRecords(Buffer.concat([intact, last.subarray(0, cut)]));
      expect(decoded.records).toEqual(RECORDS.slice(0, -1));
      expect(decoded.validBytes).toBe(intact.length);
    }
  });

  it('stops at a record whose bytes changed after it was written (checksum)', () => {
    const bytes = log(RECORDS);
    const secondStart = encodeLogRecord(RECORDS[0]).length;
    const damaged = Buffer.from(bytes);
    damaged[secondStart + 12] ^= 0xff;
    const decoded = decodeLogRecords(damaged);
    expect(decoded.records).toEqual(RECORDS.slice(0, 1));
    expect(decoded.validBytes).toBe(secondStart);
  });

  it('stops at a length that cannot be a record (zeroed or garbage tail)', () => {
    const intact = log(RECORDS.slice(0, 2));
    for (const tail of [Buffer.alloc(64), Buffer.from('ffffffff00000000', 'hex'), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0])]) {
      const decoded = decodeLogRecords(Buffer.concat([intact, tail]));
      expect(decoded.records).toEqual(RECORDS.slice(0, 2));
      expect(decoded.validBytes).toBe(intact.length);
    }
  });
});
