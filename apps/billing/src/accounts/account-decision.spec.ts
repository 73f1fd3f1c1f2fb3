import { AccountFacts, AccountState, decideAccount, transitionsOf, UNLIMITED_QUOTA } from './account-decision';

const FREE_TIER: AccountState = { planCode: 'free', planSource: 'default', status: 'active', graceEndsAt: null, publishedQuota: 1_000 };
const INCLUDED = new Map<string, number | null>([
  ['free', 1_000],
  ['starter', 50_000],
  ['pro', 1_000_000],
  ['enterprise', null],
]);
const IN_GOOD_STANDING = { pastDue: false, restricted: false, graceEndsAt: null };

function facts(overrides: Partial<AccountFacts> = {}): AccountFacts {
  return { current: FREE_TIER, dunning: IN_GOOD_STANDING, includedRecords: INCLUDED, restrictedQuota: 'free', ...overrides };
}

describe('decideAccount', () => {
  it('keeps a tenant without subscription or override on the free plan', () => {
    expect(decideAccount(facts())).toEqual({ planCode: 'free', planSource: 'default', status: 'active', graceEndsAt: null, quota: 1_000 });
  });

  it("takes the live subscription's plan", () => {
    expect(decideAccount(facts({ subscriptionPlan: 'starter' }))).toMatchObject({ planCode: 'starter', planSource: 'subscription', quota: 50_000 });
  });

  it('lets an override win over the subscription, keeps it while in force, and falls back when it is lifted', () => {
    expect(decideAccount(facts({ subscriptionPlan: 'starter', override: 'pro' }))).toMatchObject({ planCode: 'pro', planSource: 'override' });
    const overridden: AccountState = { ...FREE_TIER, planCode: 'pro', planSource: 'override' };
    expect(decideAccount(facts({ current: overridden, subscriptionPlan: 'starter' }))).toMatchObject({ planCode: 'pro', planSource: 'override' });
    expect(decideAccount(facts({ current: overridden, subscriptionPlan: 'starter', override: null }))).toMatchObject({
      planCode: 'starter',
      planSource: 'subscription',
    });
    expect(decideAccount(facts({ current: overridden, override: null }))).toMatchObject({ planCode: 'free', planSource: 'default' });
  });

  it('publishes the largest 32-bit count for an unlimited plan', () => {
    expect(decideAccount(facts({ subscriptionPlan: 'enterprise' })).quota).toBe(UNLIMITED_QUOTA);
  });

  it('is past due with the grace end while an invoice is unpaid, and keeps the quota', () => {
    const graceEndsAt = new Date('2026-03-15T00:00:00Z');
    expect(decideAccount(facts({ subscriptionPlan: 'starter', dunning: { pastDue: true, restricted: false, graceEndsAt } }))).toEqual({
      planCode: 'starter',
      planSource: 'subscription',
      status: 'past_due',
      graceEndsAt,
      quota: 50_000,
    });
  });

  it('lowers the quota to the free tier, or to zero, once restricted, and never raises it', () => {
    const restricted = { pastDue: true, restricted: true, graceEndsAt: null };
    expect(decideAccount(facts({ subscriptionPlan: 'pro', dunning: restricted }))).toMatchObject({ status: 'restricted', quota: 1_000, graceEndsAt: null });
    expect(decideAccount(facts({ subscriptionPlan: 'pro', dunning: restricted, restrictedQuota: 'zero' }))).toMatchObject({ quota: 0 });
    const tiny = new Map(INCLUDED).set('tiny', 10);
    expect(decideAccount(facts({ subscriptionPlan: 'tiny', dunning: restricted, includedRecords: tiny })).quota).toBe(10);
  });

  it('refuses to decide on a plan whose limits it was not given', () => {
    expect(() => decideAccount(facts({ subscriptionPlan: 'unknown' }))).toThrow('Plan "unknown" is not among the plans');
  });
});

describe('transitionsOf', () => {
  const decision = (overrides: Partial<ReturnType<typeof decideAccount>>) => ({ ...decideAccount(facts()), ...overrides });

  it('finds none when nothing changed', () => {
    expect(transitionsOf(FREE_TIER, decision({}))).toEqual([]);
  });

  it('names a plan change and a status change each once', () => {
    expect(transitionsOf(FREE_TIER, decision({ planCode: 'starter', planSource: 'subscription', status: 'past_due', quota: 50_000 }))).toEqual([
      'plan_change',
      'past_due',
    ]);
    expect(transitionsOf({ ...FREE_TIER, status: 'past_due' }, decision({ status: 'restricted' }))).toEqual(['restrict']);
    expect(transitionsOf({ ...FREE_TIER, status: 'restricted' }, decision({ status: 'active' }))).toEqual(['recover']);
  });

  it('counts a change of who decides the plan as a plan change', () => {
    expect(transitionsOf(FREE_TIER, decision({ planSource: 'override' }))).toEqual(['plan_change']);
  });

  it('names a quota change only when nothing else explains it', () => {
    expect(transitionsOf({ ...FREE_TIER, publishedQuota: null }, decision({}))).toEqual(['quota_change']);
    expect(transitionsOf(FREE_TIER, decision({ quota: 2_000 }))).toEqual(['quota_change']);
  });
});
