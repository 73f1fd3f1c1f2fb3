import type { SubscriptionStatus } from '@comply/contracts';
import type { INVOICE_STATUSES, PAYMENT_STATUSES } from '../database/schema';

/**
 * Whether a Stripe event's version of an object may replace the stored one. Stripe does not
 * deliver events in order, so each stored object keeps `stripe_updated_at`, the `created` of the
 * newest event applied to it. An older event never overwrites a newer one; within the same second
 * (Stripe's clock resolution) Stripe's own fields decide which state came later. Each function is
 * called with the stored row locked, so the decision and the write cannot interleave with another.
 */

type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Positive: the incoming event is newer; 0: the same second (or nothing stored yet to compare with). */
function age(storedAt: Date | null, incomingAt: Date): number {
  return storedAt === null ? 1 : Math.sign(incomingAt.getTime() - storedAt.getTime());
}

/** How far along its life a subscription is, for events of the same second. */
const SUBSCRIPTION_PROGRESS: Record<SubscriptionStatus, number> = {
  incomplete: 0,
  trialing: 1,
  active: 2,
  past_due: 2,
  paused: 2,
  unpaid: 3,
  incomplete_expired: 4,
  canceled: 4,
};

export interface StoredSubscription {
  stripeUpdatedAt: Date | null;
  status: SubscriptionStatus;
  deletedAt: Date | null;
}

export interface IncomingSubscription {
  at: Date;
  status: SubscriptionStatus;
  /** Stripe ended it (deleted event, or a terminal status): final, whatever arrives later. */
  ends: boolean;
}

/** Deleted ends deleted: nothing older, nor anything newer that is not an end, revives a subscription. */
export function subscriptionChangeApplies(stored: StoredSubscription | undefined, incoming: IncomingSubscription): boolean {
  if (!stored) return true;
  if (stored.deletedAt) return false;
  if (incoming.ends) return true;
  const newer = age(stored.stripeUpdatedAt, incoming.at);
  if (newer !== 0) return newer > 0;
  return SUBSCRIPTION_PROGRESS[incoming.status] >= SUBSCRIPTION_PROGRESS[stored.status];
}

/** paid and void are final; uncollectible may still be paid or voided; open follows draft. */
const INVOICE_PROGRESS: Record<InvoiceStatus, number> = { draft: 0, open: 1, uncollectible: 2, paid: 3, void: 3 };

export interface InvoiceVersion {
  status: InvoiceStatus;
  attemptCount: number;
}

export interface StoredInvoice extends InvoiceVersion {
  stripeUpdatedAt: Date | null;
}

/** paid and void end an invoice: neither becomes anything else, not even the other. */
const FINAL_INVOICE_STATUSES: ReadonlySet<InvoiceStatus> = new Set(['paid', 'void']);

/** An invoice never moves back in status; at the same status the newer event wins, and in the same second the later payment attempt. */
export function invoiceChangeApplies(stored: StoredInvoice | undefined, incoming: InvoiceVersion & { at: Date }): boolean {
  if (!stored) return true;
  if (FINAL_INVOICE_STATUSES.has(stored.status) && incoming.status !== stored.status) return false;
  const progress = INVOICE_PROGRESS[incoming.status] - INVOICE_PROGRESS[stored.status];
  if (progress !== 0) return progress > 0;
  const newer = age(stored.stripeUpdatedAt, incoming.at);
  if (newer !== 0) return newer > 0;
  return incoming.attemptCount >= stored.attemptCount;
}

/** Refunds and disputes come after the payment they concern. */
const PAYMENT_PROGRESS: Record<PaymentStatus, number> = { failed: 0, succeeded: 1, partially_refunded: 2, refunded: 3, disputed: 4 };

export interface StoredPayment {
  stripeUpdatedAt: Date | null;
  status: PaymentStatus;
}

export function paymentChangeApplies(stored: StoredPayment | undefined, incoming: { at: Date; status: PaymentStatus }): boolean {
  if (!stored) return true;
  const newer = age(stored.stripeUpdatedAt, incoming.at);
  if (newer !== 0) return newer > 0;
  return PAYMENT_PROGRESS[incoming.status] >= PAYMENT_PROGRESS[stored.status];
}

export interface StoredRemovable {
  stripeUpdatedAt: Date | null;
  /** When Stripe deleted (a customer) or detached (a payment method) it: final. */
  removedAt: Date | null;
}

/** Customers and payment methods: newer (or same-second) events apply; a deletion or detachment is final. */
export function removableChangeApplies(stored: StoredRemovable | undefined, incoming: { at: Date; removes: boolean }): boolean {
  if (!stored) return true;
  if (stored.removedAt) return false;
  return incoming.removes || age(stored.stripeUpdatedAt, incoming.at) >= 0;
}
