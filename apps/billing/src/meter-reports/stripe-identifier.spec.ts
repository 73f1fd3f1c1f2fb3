import { stripeIdentifierOf } from './stripe-identifier';

describe('stripeIdentifierOf', () => {
  it('sends an identifier Stripe accepts as it is', () => {
    expect(stripeIdentifierOf('acme:2026-03:1500')).toBe('acme:2026-03:1500');
  });

  it('replaces a longer one by its SHA-256, the same on every retry and different per slice', () => {
    const long = `${'t'.repeat(128)}:2026-03:1500`;
    expect(stripeIdentifierOf(long)).toMatch(/^[0-9a-f]{64}$/);
    expect(stripeIdentifierOf(long)).toBe(stripeIdentifierOf(long));
    expect(stripeIdentifierOf(`${'t'.repeat(128)}:2026-03:2000`)).not.toBe(stripeIdentifierOf(long));
  });
});
