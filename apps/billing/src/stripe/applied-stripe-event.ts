import { BillingTransaction } from '../database/billing-database';

/** A stored Stripe event being applied to its tenant's data, with the object it is about. */
export interface AppliedStripeEvent {
  id: string;
  type: string;
  /** Stripe's `created` of the event: the version the objects it changes are stamped with. */
  createdAt: Date;
  /** The object as applied: the payload's, or the current one from Stripe (StripeObjectSource). */
  object: Record<string, unknown>;
  previousAttributes: Record<string, unknown> | undefined;
  tenantId: string;
}

/** Applies one kind of Stripe object's events, inside the event's one transaction in the tenant's context. */
export interface StripeObjectChanges {
  apply(tx: BillingTransaction, event: AppliedStripeEvent): Promise<void>;
}

/** A Stripe timestamp (Unix seconds) as a Date; null stays null. */
export function stripeTime(seconds: number | null | undefined): Date | null {
  return seconds === null || seconds === undefined ? null : new Date(seconds * 1000);
}

/** The newer of a stored version and an event's: a row's `stripe_updated_at` never moves back. */
export function newestVersion(stored: Date | null, incoming: Date): Date {
  return stored && stored > incoming ? stored : incoming;
}
