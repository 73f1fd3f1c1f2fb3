import { Injectable } from '@nestjs/common';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { invoices, payments } from '../database/schema';

export type InvoiceRow = typeof invoices.$inferSelect;
/** What Stripe says of an invoice; credits_applied is billing's own and never comes from an event. */
export type InvoiceValues = Omit<typeof invoices.$inferInsert, 'createdAt' | 'updatedAt' | 'creditsApplied'>;

/** SQL of the local copies of Stripe invoices; every call runs in the tenant's transaction. */
@Injectable()
export class StripeInvoicesRepository {
  async lock(tx: BillingTransaction, id: string): Promise<InvoiceRow | undefined> {
    const [row] = await tx.select().from(invoices).where(eq(invoices.stripeInvoiceId, id)).for('update');
    return row;
  }

  async insert(tx: BillingTransaction, values: InvoiceValues): Promise<InvoiceRow | undefined> {
    const [row] = await tx.insert(invoices).values(values).onConflictDoNothing({ target: invoices.stripeInvoiceId }).returning();
    return row;
  }

  async update(tx: BillingTransaction, values: InvoiceValues): Promise<InvoiceRow> {
    const [row] = await tx
      .update(invoices)
      .set({ ...values, updatedAt: sql`now()` })
      .where(eq(invoices.stripeInvoiceId, values.stripeInvoiceId))
      .returning();
    return row;
  }

  /** Ties the tenant's stored payments of these payment intents to the invoice they paid, where not tied yet. */
  async linkPayments(tx: BillingTransaction, invoiceId: string, paymentIntentIds: string[]): Promise<void> {
    if (paymentIntentIds.length === 0) return;
    await tx
      .update(payments)
      .set({ stripeInvoiceId: invoiceId, updatedAt: sql`now()` })
      .where(and(inArray(payments.stripePaymentId, paymentIntentIds), isNull(payments.stripeInvoiceId)));
  }
}
