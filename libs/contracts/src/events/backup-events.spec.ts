import type { z } from 'zod';
import { backupCompletedV1, backupFailedV1, type BackupCompletedV1, type BackupFailedV1 } from './backup-events';

const completed: BackupCompletedV1 = {
  backupId: 'bkp-core-20250601T020000Z',
  database: 'core',
  blob: { container: 'backups', name: 'core/2025/06/01/bkp-core-20250601T020000Z.dump' },
  startedAt: '2025-06-01T02:00:00Z',
  completedAt: '2025-06-01T02:03:12.481Z',
  sizeBytes: 184_549_376,
  checksum: `sha256:${'3f'.repeat(32)}`,
};

const failed: BackupFailedV1 = {
  backupId: 'bkp-billing-20250601T020000Z',
  database: 'billing',
  tenantId: 'tenant-123',
  error: { code: 'BlobWriteFailed', message: 'The specified container is being deleted.' },
  startedAt: '2025-06-01T02:00:00Z',
  failedAt: '2025-06-01T02:00:09Z',
};

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
