import type { z } from 'zod';
import { EVENT_EXAMPLES } from '../event-examples';
import { archiveCompletedV1, archiveFailedV1, archiveRequestedV1 } from './archive-events';

const requested = EVENT_EXAMPLES['archive.requested.v1'];
const completed = EVENT_EXAMPLES['archive.completed.v1'];
const failed = EVENT_EXAMPLES['archive.failed.v1'];

function pathsOf(schema: z.ZodType, input: unknown): PropertyKey[][] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path);
}

describe('archive.requested.v1', () => {
  it('accepts a realistic request', () => {
    expect(archiveRequestedV1.parse(requested)).toEqual(requested);
  });

  it('names the field of a table that is not an audit_log partition, another database, a bad count or id', () => {
    expect(pathsOf(archiveRequestedV1, { ...requested, table: 'audit_log' })).toEqual([['table']]);
    expect(pathsOf(archiveRequestedV1, { ...requested, table: 'audit_log_p202401; drop table x' })).toEqual([['table']]);
    expect(pathsOf(archiveRequestedV1, { ...requested, database: 'core' })).toEqual([['database']]);
    expect(pathsOf(archiveRequestedV1, { ...requested, rows: -1 })).toEqual([['rows']]);
    expect(pathsOf(archiveRequestedV1, { ...requested, requestId: 'req-1' })).toEqual([['requestId']]);
  });
});

describe('archive.completed.v1', () => {
  it('accepts a realistic answer', () => {
    expect(archiveCompletedV1.parse(completed)).toEqual(completed);
  });

  it('names the field of a bad digest, checksum or blob', () => {
    expect(pathsOf(archiveCompletedV1, { ...completed, digest: 'a1'.repeat(32) })).toEqual([['digest']]);
    expect(pathsOf(archiveCompletedV1, { ...completed, checksum: 'sha256:XY' })).toEqual([['checksum']]);
    expect(pathsOf(archiveCompletedV1, { ...completed, blob: { container: 'backup-worker' } })).toEqual([['blob', 'name']]);
  });
});

describe('archive.failed.v1', () => {
  it('accepts a realistic failure and requires its error', () => {
    expect(archiveFailedV1.parse(failed)).toEqual(failed);
    const { error: _error, ...withoutError } = failed;
    expect(pathsOf(archiveFailedV1, withoutError)).toEqual([['error']]);
  });
});
