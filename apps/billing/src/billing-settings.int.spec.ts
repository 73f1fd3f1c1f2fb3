import { settingsDocumentation } from '@comply/service-testing';
import { join } from 'node:path';
import { billingSettings } from './billing-settings';

/** The README's configuration table is written by hand; this keeps it honest. */
describe('billing settings documentation', () => {
  it('documents every setting billing reads, with its default, and nothing else', () => {
    const { documented, declared } = settingsDocumentation(join(__dirname, '..', 'README.md'), billingSettings);
    expect(documented).toEqual(declared);
  });
});
