import { Injectable } from '@nestjs/common';
import { BillingTransaction } from '../database/billing-database';
import { PAYMENT_STATUSES } from '../database/schema';
import { AppliedStripeEvent, newestVersion, StripeObjectChanges } from './applied-stripe-event';
import { paymentChangeApplies } from './stripe-change-order';
import { parseStripeObject, stripeCharge, stripeDispute, stripePaymentIntent } from './stripe-objects';
import { PaymentChanges as PaymentFields, PaymentRow, PaymentValues, StripePaymentsRepository } from './stripe-payments.repository';
import { storedOrInserted } from './stored-or-inserted';

type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** What one event says of a payment: the row to insert when none is stored, and the fields it may change. */
interface PaymentVersion {
  /** The payment intent, or the charge when it has none. */
  id: string;
  /** Find the stored payment by this charge when the event names no payment intent. */
  chargeId?: string;
  status: PaymentStatus;
  insert: PaymentValues;
  changes: Omit<PaymentFields, 'stripeUpdatedAt'>;
}

/**
 * payment_intent.succeeded / payment_failed, charge.refunded, charge.dispute.created: the
 * tenant's payments, keyed by payment intent. Each kind of event changes only what it knows (a
 * refund does not reset a failure code), newer events over older ones.
 */
@Injectable()
export class PaymentChanges implements StripeObjectChanges {
  constructor(private readonly payments: StripePaymentsRepository) {}

  async apply(tx: BillingTransaction, event: AppliedStripeEvent): Promise<void> {
    const version = paymentVersion(event);
    const row = await storedOrInserted(
      'payment',
      () => this.lock(tx, version),
      () => this.payments.insertPayment(tx, version.insert),
    );
    if (!row.stored) return;
    const { stored } = row;
    if (!paymentChangeApplies(stored, { at: event.createdAt, status: version.status })) return;
    await this.payments.updatePayment(tx, stored.stripePaymentId, { ...version.changes, stripeUpdatedAt: newestVersion(stored.stripeUpdatedAt, event.createdAt) });
  }

  private async lock(tx: BillingTransaction, version: PaymentVersion): Promise<PaymentRow | undefined> {
    return (await this.payments.lockPayment(tx, version.id)) ?? (version.chargeId ? this.payments.lockPaymentOfCharge(tx, version.chargeId) : undefined);
  }
}

function paymentVersion(event: AppliedStripeEvent): PaymentVersion {
  const base = { tenantId: event.tenantId, stripeUpdatedAt: event.createdAt };
  switch (event.type) {
    case 'payment_intent.succeeded':
    case 'payment_intent.payment_failed': {
      const intent = parseStripeObject(stripePaymentIntent, event.object, 'payment intent');
      const succeeded = event.type === 'payment_intent.succeeded';
      const changes = {
        status: succeeded ? ('succeeded' as const) : ('failed' as const),
        amount: succeeded ? (intent.amount_received ?? intent.amount) : intent.amount,
        currency: intent.currency,
        failureCode: succeeded ? null : (intent.last_payment_error?.decline_code ?? intent.last_payment_error?.code ?? null),
        ...(intent.latest_charge ? { stripeChargeId: intent.latest_charge } : {}),
      };
      return { id: intent.id, status: changes.status, insert: { ...base, stripePaymentId: intent.id, ...changes }, changes };
    }
    case 'charge.refunded': {
      const charge = parseStripeObject(stripeCharge, event.object, 'charge');
      const status = charge.amount_refunded >= charge.amount ? ('refunded' as const) : ('partially_refunded' as const);
      const changes = { status, amountRefunded: charge.amount_refunded, stripeChargeId: charge.id };
      const id = charge.payment_intent ?? charge.id;
      return { id, chargeId: charge.id, status, insert: { ...base, stripePaymentId: id, amount: charge.amount, currency: charge.currency, ...changes }, changes };
    }
    case 'charge.dispute.created': {
      const dispute = parseStripeObject(stripeDispute, event.object, 'dispute');
      const changes = { status: 'disputed' as const, disputedAt: new Date(dispute.created * 1000), stripeChargeId: dispute.charge };
      const id = dispute.payment_intent ?? dispute.charge;
      return { id, chargeId: dispute.charge, status: 'disputed', insert: { ...base, stripePaymentId: id, amount: dispute.amount, currency: dispute.currency, ...changes }, changes };
    }
    default:
      throw new Error(`PaymentChanges does not handle ${event.type}`);
  }
}
