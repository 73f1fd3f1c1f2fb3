import { assertBlobName } from '@comply/blob-storage';
import { backupBlobName, manifestBlobName } from './backup-blobs';

describe('backup blob names', () => {
  it('dates the backup by its start (UTC) and puts the manifest beside it', () => {
    const name = backupBlobName('core', '0b9c2d1e-6a4f-4e1b-9a7c-2f5d8e3b1c0a', new Date('2026-03-09T23:59:59.999-02:00'));
    expect(name).toBe('backups/core/2026/03/10/0b9c2d1e-6a4f-4e1b-9a7c-2f5d8e3b1c0a.cbk');
    expect(manifestBlobName(name)).toBe('backups/core/2026/03/10/0b9c2d1e-6a4f-4e1b-9a7c-2f5d8e3b1c0a.manifest.json');
    expect(() => assertBlobName(name)).not.toThrow();
  });
});
