import { bucketsOf, reportPeriod } from './report-period';

describe('report periods', () => {
  const now = new Date('2026-03-15T10:20:00Z');

  it('widens the period to whole buckets of its granularity', () => {
    const period = reportPeriod({ from: '2026-03-01T05:30:00Z', to: '2026-03-03T00:00:00Z', granularity: 'day' }, now);
    expect(period.from.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(period.to.toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(bucketsOf(period)).toEqual(['2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z']);
  });

  it('rolls months from calendar months, whatever their length', () => {
    const period = reportPeriod({ from: '2026-01-31', to: '2026-03-02', granularity: 'month' }, now);
    expect(bucketsOf(period)).toEqual(['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z']);
    expect(period.to.toISOString()).toBe('2026-04-01T00:00:00.000Z');
  });

  it('defaults to the 30 days up to now, by the hour when asked', () => {
    const period = reportPeriod({ granularity: 'hour' }, now);
    expect(period.to.toISOString()).toBe('2026-03-15T11:00:00.000Z');
    expect(period.from.toISOString()).toBe('2026-02-13T10:00:00.000Z');
    expect(bucketsOf(period)).toHaveLength(30 * 24 + 1);
  });
});
