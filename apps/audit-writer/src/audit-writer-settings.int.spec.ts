import { settingsDocumentation } from '@comply/service-testing';
import { join } from 'node:path';
import { auditWriterSettings } from './audit-writer-settings';

/** The README's configuration table is written by hand; this keeps it honest. */
describe('audit-writer settings documentation', () => {
  it('documents every setting audit-writer reads, with its default, and nothing else', () => {
    const { documented, declared } = settingsDocumentation(join(__dirname, '..', 'README.md'), auditWriterSettings);
    expect(documented).toEqual(declared);
  });
});
