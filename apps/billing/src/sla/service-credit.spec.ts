import { serviceCreditOf } from './service-credit';

describe('serviceCreditOf', () => {
  it('credits the percentage of the invoice, rounded down to whole minor units', () => {
    expect(serviceCreditOf(4_900, 10)).toBe(490);
    expect(serviceCreditOf(4_999, 10)).toBe(499);
    expect(serviceCreditOf(4_900, 0)).toBe(0);
    expect(serviceCreditOf(0, 50)).toBe(0);
  });

  it('stays exact for amounts where floating point would not', () => {
    expect(serviceCreditOf(Number.MAX_SAFE_INTEGER, 100)).toBe(Number.MAX_SAFE_INTEGER);
    expect(serviceCreditOf(Number.MAX_SAFE_INTEGER, 33)).toBe(2_972_375_754_064_527);
  });
});

