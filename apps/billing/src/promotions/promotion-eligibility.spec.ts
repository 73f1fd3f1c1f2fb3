import { refusalOf, type PromotionTerms } from './promotion-eligibility';

const now = new Date('2026-06-15T12:00:00Z');
const open: PromotionTerms = { active: true, validFrom: null, validUntil: null, maxRedemptions: null, redemptions: 0 };

describe('refusalOf', () => {
  it('accepts an active code without window or cap', () => {
    expect(refusalOf(open, false, now)).toBeUndefined();
  });

  it('names each reason a code cannot be redeemed', () => {
    expect(refusalOf(undefined, false, now)).toBe('unknown');
    expect(refusalOf({ ...open, active: false }, false, now)).toBe('inactive');
    expect(refusalOf({ ...open, validFrom: new Date('2026-06-15T12:00:01Z') }, false, now)).toBe('not_yet_valid');
    expect(refusalOf({ ...open, validUntil: new Date('2026-06-15T11:59:59Z') }, false, now)).toBe('expired');
    expect(refusalOf({ ...open, maxRedemptions: 5, redemptions: 5 }, false, now)).toBe('exhausted');
    expect(refusalOf(open, true, now)).toBe('already_redeemed');
  });

  it('includes both ends of the window', () => {
    expect(refusalOf({ ...open, validFrom: now, validUntil: now }, false, now)).toBeUndefined();
  });

  it('tells a tenant that redeemed the code so, even once the code is exhausted or switched off', () => {
    expect(refusalOf({ ...open, active: false, maxRedemptions: 1, redemptions: 1 }, true, now)).toBe('already_redeemed');
  });

  it('accepts the last redemption under the cap', () => {
    expect(refusalOf({ ...open, maxRedemptions: 5, redemptions: 4 }, false, now)).toBeUndefined();
  });
});
