import { EVENT_EXAMPLES } from '../event-examples';
import type { z } from 'zod';
import { backupCompletedV1, backupFailedV1 } from './backup-events';

const completed = EVENT_EXAMPLES['backup.completed.v1'];

const failed = EVENT_EXAMPLES['backup.failed.v1'];

function pathsOf(schema: z.ZodType, input: unknown): PropertyKey[][] {
  const result = schema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.path);
}

describe('backup.completed.v1', () => {
  it('accepts a realistic whole-database backup and a per-tenant one', () => {
    expect(backupCompletedV1.parse(completed)).toEqual(completed);
    expect(pathsOf(backupCompletedV1, { ...completed, tenantId: 'tenant-123' })).toEqual([]);
  });

  it('names the field of a bad checksum, size, database or blob reference', () => {
    expect(pathsOf(backupCompletedV1, { ...completed, checksum: '3f'.repeat(32) })).toEqual([['checksum']]);
    expect(pathsOf(backupCompletedV1, { ...completed, sizeBytes: 1.5 })).toEqual([['sizeBytes']]);
    expect(pathsOf(backupCompletedV1, { ...completed, database: 'postgres' })).toEqual([['database']]);
    expect(pathsOf(backupCompletedV1, { ...completed, blob: { container: 'backups' } })).toEqual([['blob', 'name']]);
    expect(pathsOf(backupCompletedV1, { ...completed, completedAt: 'yesterday' })).toEqual([['completedAt']]);
  });
});

describe('backup.failed.v1', () => {
  it('accepts a realistic failure', () => {
    expect(backupFailedV1.parse(failed)).toEqual(failed);
  });

  it('requires the error and rejects the fields of a completed backup', () => {
    const { error: _error, ...withoutError } = failed;
    expect(pathsOf(backupFailedV1, withoutError)).toEqual([['error']]);
    expect(pathsOf(backupFailedV1, { ...failed, sizeBytes: 0 })).toEqual([[]]);
    expect(pathsOf(backupFailedV1, { ...failed, tenantId: 'tenant/123' })).toEqual([['tenantId']]);
  });
});
