import { settingsDocumentation } from '@comply/service-testing';
import { join } from 'node:path';
import { backupWorkerSettings } from './backup-worker-settings';

/** The README's configuration table is written by hand; this keeps it honest. */
describe('backup-worker settings documentation', () => {
  it('documents every setting backup-worker reads, with its default, and nothing else', () => {
    const { documented, declared } = settingsDocumentation(join(__dirname, '..', 'README.md'), backupWorkerSettings);
    expect(documented).toEqual(declared);
  });
});
