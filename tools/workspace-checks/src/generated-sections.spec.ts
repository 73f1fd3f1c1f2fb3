import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@comply/local-infra';
import { configurationTable } from './configuration-table';
import { GENERATED_SECTIONS, renderSection } from './generated-sections';

describe('generated documentation', () => {
  it.each(GENERATED_SECTIONS.map((s) => [`${s.file} (${s.marker})`, s] as const))(
    '%s matches the code it is generated from (else run `npm run docs:generate`)',
    (_name, section) => {
      const text = readFileSync(join(workspaceRoot(__dirname), section.file), 'utf8');
      expect(renderSection(text, section)).toBe(text);
    },
  );

  it('lists every service setting with its per-service default', () => {
    const table = configurationTable();
    expect(table).toContain('| `PORT` | each service | `3001` / `3002` / `3003` / `3004` / `3005` |');
    expect(table).toContain('| `DB_USER` | each service | `core_app` / `billing_app` / `analytics_app` / `audit_app` / `backup_app` |');
    expect(table).toMatch(/\| `DB_PASSWORD` \| each service \| — \| .*Secret: never logged\. \|/);
    expect(table).toContain('| `DATABASE_URL` | `npm start`, `npm run migrate` | — |');
  });
});
