import { settingsDocumentation } from '@comply/service-testing';
import { join } from 'node:path';
import { coreStoreSettings } from './core-store-settings';

/** The README's configuration table is written by hand; this keeps it honest. */
describe('core-store settings documentation', () => {
  it('documents every setting core-store reads, with its default, and nothing else', () => {
    const { documented, declared } = settingsDocumentation(join(__dirname, '..', 'README.md'), coreStoreSettings);
    expect(documented).toEqual(declared);
  });
});
