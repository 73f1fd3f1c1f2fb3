import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checksumOf, fingerprintOf, readMigrationFiles } from './migration-files';
import { compareMigrations } from './migration-status';

describe('migration files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'comply-migration-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function folder(name: string, files: Record<string, string>): string {
    mkdirSync(join(dir, name, 'meta'), { recursive: true });
    for (const [file, sql] of Object.entries(files)) writeFileSync(join(dir, name, file), sql);
    return name;
  }

  it('reads .sql files in name order and ignores drizzle-kit meta', () => {
    const db = folder('ordered', { '0002_b.sql': 'b', '0000_a.sql': 'a', '0001_c.sql': 'c' });
    writeFileSync(join(dir, db, 'meta', '_journal.json'), '{}');
    expect(readMigrationFiles(dir, db).map((f) => f.name)).toEqual(['0000_a.sql', '0001_c.sql', '0002_b.sql']);
  });

  it('rejects files that do not follow NNNN_snake_case.sql', () => {
    const db = folder('misnamed', { '0000_ok.sql': '', 'add-users.sql': '' });
    expect(() => readMigrationFiles(dir, db)).toThrow(/must be named NNNN_snake_case\.sql: add-users\.sql/);
  });

  it('gives the same checksum to CRLF and LF checkouts of a file', () => {
    expect(checksumOf('select 1;\r\nselect 2;\r\n')).toBe(checksumOf('select 1;\nselect 2;\n'));
    expect(checksumOf('select 1;')).not.toBe(checksumOf('select 2;'));
  });

  it('changes the folder fingerprint when any file changes', () => {
    const before = fingerprintOf([{ name: '0000_a.sql', sql: 'a', checksum: checksumOf('a') }]);
    const after = fingerprintOf([{ name: '0000_a.sql', sql: 'a2', checksum: checksumOf('a2') }]);
    expect(before).not.toBe(after);
  });

  it('classifies pending, edited and unknown migrations', () => {
    const files = [
      { name: '0000_a.sql', sql: 'a', checksum: 'sum-a' },
      { name: '0001_b.sql', sql: 'b', checksum: 'sum-b-edited' },
      { name: '0002_c.sql', sql: 'c', checksum: 'sum-c' },
    ];
    const applied = [
      { name: '0000_a.sql', checksum: 'sum-a' },
      { name: '0001_b.sql', checksum: 'sum-b' },
      { name: '0009_gone.sql', checksum: 'x' },
    ];
    expect(compareMigrations(files, applied)).toEqual({ pending: ['0002_c.sql'], edited: ['0001_b.sql'], unknown: ['0009_gone.sql'] });
  });
});
