import { periodOf, usageFiguresOf } from './usage-report';

describe('usageFiguresOf', () => {
  it('reports what is left and the share used, to one decimal', () => {
    expect(usageFiguresOf(333, 1_000)).toEqual({ remaining: 667, percent: 33.3 });
    expect(usageFiguresOf(0, 1_000)).toEqual({ remaining: 1_000, percent: 0 });
  });

  it('never reports a negative remainder past the limit, while the percentage goes above 100', () => {
    expect(usageFiguresOf(1_500, 1_000)).toEqual({ remaining: 0, percent: 150 });
  });

  it('has neither for an unlimited plan, and no percentage of nothing included', () => {
    expect(usageFiguresOf(12, null)).toEqual({ remaining: null, percent: null });
    expect(usageFiguresOf(12, 0)).toEqual({ remaining: 0, percent: null });
  });
});

describe('periodOf', () => {
  it('is the UTC month, whatever the local time zone would say', () => {
    expect(periodOf(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026-12');
    expect(periodOf(new Date('2027-01-01T00:00:00.000Z'))).toBe('2027-01');
  });
});
