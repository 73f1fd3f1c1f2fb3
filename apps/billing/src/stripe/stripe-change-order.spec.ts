import { invoiceChangeApplies, paymentChangeApplies, removableChangeApplies, subscriptionChangeApplies } from './stripe-change-order';

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1) + seconds * 1000);

describe('subscriptionChangeApplies', () => {
  const stored = { stripeUpdatedAt: at(10), status: 'active' as const, deletedAt: null };

  it('applies the first version, a newer one, and never an older one', () => {
    expect(subscriptionChangeApplies(undefined, { at: at(0), status: 'incomplete', ends: false })).toBe(true);
    expect(subscriptionChangeApplies(stored, { at: at(11), status: 'past_due', ends: false })).toBe(true);
    expect(subscriptionChangeApplies(stored, { at: at(9), status: 'past_due', ends: false })).toBe(false);
  });

  it('within the same second, lets only a state at least as far along replace the stored one', () => {
    expect(subscriptionChangeApplies(stored, { at: at(10), status: 'incomplete', ends: false })).toBe(false);
    expect(subscriptionChangeApplies(stored, { at: at(10), status: 'past_due', ends: false })).toBe(true);
    expect(subscriptionChangeApplies(stored, { at: at(10), status: 'unpaid', ends: false })).toBe(true);
  });

  it('ends deleted: the deletion applies whenever it arrives, and nothing applies after it', () => {
    expect(subscriptionChangeApplies(stored, { at: at(5), status: 'canceled', ends: true })).toBe(true);
    const deleted = { ...stored, status: 'canceled' as const, deletedAt: at(12) };
    expect(subscriptionChangeApplies(deleted, { at: at(11), status: 'active', ends: false })).toBe(false);
    expect(subscriptionChangeApplies(deleted, { at: at(99), status: 'active', ends: false })).toBe(false);
    expect(subscriptionChangeApplies(deleted, { at: at(99), status: 'canceled', ends: true })).toBe(false);
  });

  it('applies anything to a row no event has versioned yet', () => {
    expect(subscriptionChangeApplies({ stripeUpdatedAt: null, status: 'active', deletedAt: null }, { at: at(0), status: 'incomplete', ends: false })).toBe(true);
  });
});

describe('invoiceChangeApplies', () => {
  const open = { stripeUpdatedAt: at(10), status: 'open' as const, attemptCount: 1 };

  it('never moves an invoice back in status, however new the event', () => {
    expect(invoiceChangeApplies(open, { status: 'draft', attemptCount: 0, at: at(99) })).toBe(false);
    const paid = { ...open, status: 'paid' as const };
    for (const status of ['draft', 'open', 'uncollectible'] as const) expect(invoiceChangeApplies(paid, { status, attemptCount: 3, at: at(99) })).toBe(false);
    expect(invoiceChangeApplies({ ...open, status: 'void' }, { status: 'paid', attemptCount: 1, at: at(99) })).toBe(false);
  });

  it('moves forward in status even when the event is older (paid before finalized, any order)', () => {
    expect(invoiceChangeApplies(open, { status: 'paid', attemptCount: 1, at: at(9) })).toBe(true);
    expect(invoiceChangeApplies({ ...open, status: 'uncollectible' }, { status: 'paid', attemptCount: 2, at: at(11) })).toBe(true);
  });

  it('at the same status, the newer event wins, and in the same second the later payment attempt', () => {
    expect(invoiceChangeApplies(open, { status: 'open', attemptCount: 2, at: at(11) })).toBe(true);
    expect(invoiceChangeApplies(open, { status: 'open', attemptCount: 2, at: at(9) })).toBe(false);
    expect(invoiceChangeApplies(open, { status: 'open', attemptCount: 0, at: at(10) })).toBe(false);
    expect(invoiceChangeApplies(open, { status: 'open', attemptCount: 1, at: at(10) })).toBe(true);
  });
});

describe('paymentChangeApplies', () => {
  const refunded = { stripeUpdatedAt: at(10), status: 'refunded' as const };

  it('applies newer events, not older ones, and in the same second the later stage of the payment', () => {
    expect(paymentChangeApplies(undefined, { at: at(0), status: 'failed' })).toBe(true);
    expect(paymentChangeApplies(refunded, { at: at(9), status: 'succeeded' })).toBe(false);
    expect(paymentChangeApplies(refunded, { at: at(11), status: 'disputed' })).toBe(true);
    expect(paymentChangeApplies(refunded, { at: at(10), status: 'succeeded' })).toBe(false);
    expect(paymentChangeApplies(refunded, { at: at(10), status: 'disputed' })).toBe(true);
  });
});

describe('removableChangeApplies', () => {
  it('keeps a removal final and otherwise lets newer or same-second events apply', () => {
    const stored = { stripeUpdatedAt: at(10), removedAt: null };
    expect(removableChangeApplies(stored, { at: at(10), removes: false })).toBe(true);
    expect(removableChangeApplies(stored, { at: at(9), removes: false })).toBe(false);
    expect(removableChangeApplies(stored, { at: at(9), removes: true })).toBe(true);
    expect(removableChangeApplies({ stripeUpdatedAt: at(10), removedAt: at(10) }, { at: at(20), removes: false })).toBe(false);
  });
});
