import { BadRequestException } from '@nestjs/common';
import { uuidv7 } from '../database/uuidv7';
import { encodeRecordCursor } from './record-cursor';
import { recordListFiltersOf } from './record-list-query';

function rejectionOf(query: Record<string, unknown>): { message: string; issues: Array<{ path: string }> } {
  try {
    recordListFiltersOf(query);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return (error as BadRequestException).getResponse() as { message: string; issues: Array<{ path: string }> };
  }
  throw new Error(`accepted ${JSON.stringify(query)}`);
}

describe('GET /v1/records query', () => {
  it('defaults the page size and converts numbers from query text', () => {
    expect(recordListFiltersOf({})).toEqual({ limit: 50 });
    expect(recordListFiltersOf({ limit: '7', minConfidence: '0.25', maxConfidence: '1' })).toEqual({ limit: 7, minConfidence: 0.25, maxConfidence: 1 });
  });

  it('decodes the cursor to the position of the record it names', () => {
    const ms = Date.UTC(2026, 10, 20, 8);
    const id = uuidv7(ms);
    expect(recordListFiltersOf({ cursor: encodeRecordCursor(id) })).toEqual({ limit: 50, after: { id, createdAt: new Date(ms) } });
  });

  it('names each unknown parameter, together with the invalid known ones', () => {
    const rejection = rejectionOf({ limit: '0', sort: 'asc', tenantId: 'other' });
    expect(rejection.issues.map((issue) => issue.path).sort()).toEqual(['limit', 'sort', 'tenantId']);
    expect(rejection.message).toBe('Invalid query: limit, sort, tenantId');
  });

  it('names a cursor it did not issue', () => {
    expect(rejectionOf({ cursor: 'bm90LWEtY3Vyc29y' }).message).toBe('Invalid query: cursor');
  });
});
