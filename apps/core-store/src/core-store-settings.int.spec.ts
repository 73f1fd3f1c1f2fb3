import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { coreStoreSettings } from './core-store-settings';

/** The README's configuration table is written by hand; this keeps it honest. */
describe('core-store settings documentation', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const rows = new Map(
    [...readme.matchAll(/^\| `([A-Z0-9_]+)` \| (.+?) \| (.+?) \|$/gm)].map(([, name, defaultValue]) => [name, defaultValue.trim()]),
  );

  it('documents every setting core-store reads, with its default, and nothing else', () => {
    expect([...rows.keys()].sort()).toEqual(Object.keys(coreStoreSettings).sort());
    for (const [name, entry] of Object.entries(coreStoreSettings)) {
      const documented = entry.default === undefined ? '—' : `\`${String(entry.default)}\``;
      expect({ name, default: rows.get(name) }).toEqual({ name, default: documented });
    }
  });
});
