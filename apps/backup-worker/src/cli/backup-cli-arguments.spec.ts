import { describeTarget, parseBackupArguments, parseRestoreArguments, UsageError } from './backup-cli-arguments';

describe('backup and restore arguments', () => {
  it('reads a backup of one database', () => {
    expect(parseBackupArguments(['--database', 'billing'])).toEqual({ help: false, database: 'billing' });
    expect(parseBackupArguments(['-h'])).toEqual({ help: true });
  });

  it('reads a restore of the latest backup or of one id', () => {
    const parsed = parseRestoreArguments(['--database', 'core', '--backup', 'latest', '--target', 'postgres://me:secret@db.example:6432/core_copy', '--allow-non-empty']);
    expect(parsed).toMatchObject({ help: false, database: 'core', backup: 'latest', allowNonEmpty: true });
    const id = '0B9C2D1E-6A4F-4E1B-9A7C-2F5D8E3B1C0A';
    expect(parseRestoreArguments(['--database', 'core', '--backup', id, '--target', 'postgres://h/x'])).toMatchObject({ backup: id.toLowerCase(), allowNonEmpty: false });
  });

  it.each([
    [['--database', 'core', '--bogus'], "Unknown option '--bogus'"],
    [['--database', 'core', '--backup', 'latest', '--target', 'mysql://h/x'], '--target must be a postgres:// URL'],
    [['--database', 'core', '--backup', 'latest', '--target', 'not a url'], '--target is not a URL'],
    [['--backup', 'latest', '--target', 'postgres://h/x'], '--database is required'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseRestoreArguments(argv)).toThrow(UsageError);
    expect(() => parseRestoreArguments(argv)).toThrow(message);
  });

  it('describes a target without its password', () => {
    expect(describeTarget(new URL('postgres://me:secret@db.example:6432/core_copy'))).toBe('core_copy on db.example:6432');
  });
});
