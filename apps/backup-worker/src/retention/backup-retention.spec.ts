import { expiryCutoff } from './backup-retention';

describe('expiryCutoff', () => {
  const now = new Date('2026-06-30T12:00:00Z');

  it('is the retention period back from now', () => {
    expect(expiryCutoff(now, { BACKUP_RETENTION_DAYS: 35, BACKUP_IMMUTABILITY_DAYS: 7 })).toEqual(new Date('2026-05-26T12:00:00Z'));
  });

  it('never falls inside the immutability window', () => {
    expect(expiryCutoff(now, { BACKUP_RETENTION_DAYS: 1, BACKUP_IMMUTABILITY_DAYS: 30 })).toEqual(new Date('2026-05-31T12:00:00Z'));
  });
});
