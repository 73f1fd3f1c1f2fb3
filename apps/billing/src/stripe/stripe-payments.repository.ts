import { Injectable } from '@nestjs/common';
import { eq, sql } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { paymentMethods, payments } from '../database/schema';

export type PaymentRow = typeof payments.$inferSelect;
export type PaymentValues = Omit<typeof payments.$inferInsert, 'createdAt' | 'updatedAt'>;
/** What one kind of event knows of a payment: the fields it does not know keep their stored values. */
export type PaymentChanges = Omit<Partial<PaymentValues>, 'stripePaymentId' | 'tenantId'> & Pick<PaymentValues, 'stripeUpdatedAt'>;
export type PaymentMethodRow = typeof paymentMethods.$inferSelect;
export type PaymentMethodValues = Omit<typeof paymentMethods.$inferInsert, 'createdAt'>;

/** SQL of the tenants' payments and payment methods; every call runs in the tenant's transaction. */
@Injectable()
export class StripePaymentsRepository {
  async lockPayment(tx: BillingTransaction, id: string): Promise<PaymentRow | undefined> {
    const [row] = await tx.select().from(payments).where(eq(payments.stripePaymentId, id)).for('update');
    return row;
  }

  /** The payment a charge belongs to when the charge names no payment intent. */
  async lockPaymentOfCharge(tx: BillingTransaction, chargeId: string): Promise<PaymentRow | undefined> {
    const [row] = await tx.select().from(payments).where(eq(payments.stripeChargeId, chargeId)).for('update');
    return row;
  }

  async insertPayment(tx: BillingTransaction, values: PaymentValues): Promise<PaymentRow | undefined> {
    const [row] = await tx.insert(payments).values(values).onConflictDoNothing({ target: payments.stripePaymentId }).returning();
    return row;
  }

  async updatePayment(tx: BillingTransaction, id: string, changes: PaymentChanges): Promise<void> {
    await tx
      .update(payments)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(eq(payments.stripePaymentId, id));
  }

  async lockPaymentMethod(tx: BillingTransaction, id: string): Promise<PaymentMethodRow | undefined> {
    const [row] = await tx.select().from(paymentMethods).where(eq(paymentMethods.stripePaymentMethodId, id)).for('update');
    return row;
  }

  async insertPaymentMethod(tx: BillingTransaction, values: PaymentMethodValues): Promise<PaymentMethodRow | undefined> {
    const [row] = await tx.insert(paymentMethods).values(values).onConflictDoNothing({ target: paymentMethods.stripePaymentMethodId }).returning();
    return row;
  }

  async updatePaymentMethod(tx: BillingTransaction, values: PaymentMethodValues): Promise<void> {
    await tx.update(paymentMethods).set(values).where(eq(paymentMethods.stripePaymentMethodId, values.stripePaymentMethodId));
  }
}
