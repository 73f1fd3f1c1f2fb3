import { previousMonthStart } from './partition-window';

describe('previousMonthStart', () => {
  it('is the first day of the month before, in UTC', () => {
    expect(previousMonthStart(new Date('2026-11-22T04:00:00Z'))).toBe('2026-10-01');
    expect(previousMonthStart(new Date('2026-03-31T23:59:59Z'))).toBe('2026-02-01');
  });

  it('crosses into the previous year in January', () => {
    expect(previousMonthStart(new Date('2027-01-01T00:00:00Z'))).toBe('2026-12-01');
  });

  it('goes by UTC, not the local offset of the instant', () => {
    expect(previousMonthStart(new Date('2026-12-01T00:30:00+02:00'))).toBe('2026-10-01');
  });
});
