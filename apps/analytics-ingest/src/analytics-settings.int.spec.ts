import { settingsDocumentation } from '@comply/service-testing';
import { join } from 'node:path';
import { analyticsSettings } from './analytics-settings';

/** The README's configuration table is generated; this keeps it current. */
describe('analytics-ingest settings documentation', () => {
  it('documents every setting analytics-ingest reads, with its default, and nothing else', () => {
    const { documented, declared } = settingsDocumentation(join(__dirname, '..', 'README.md'), analyticsSettings);
    expect(documented).toEqual(declared);
  });
});
