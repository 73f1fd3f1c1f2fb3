import { Injectable } from '@nestjs/common';
import { eq } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { customers } from '../database/schema';

export type CustomerRow = typeof customers.$inferSelect;
export type CustomerValues = Omit<typeof customers.$inferInsert, 'createdAt'>;

/** SQL of the tenants' Stripe customers; every call runs in the tenant's transaction. */
@Injectable()
export class StripeCustomersRepository {
  async lock(tx: BillingTransaction, id: string): Promise<CustomerRow | undefined> {
    const [row] = await tx.select().from(customers).where(eq(customers.stripeCustomerId, id)).for('update');
    return row;
  }

  async insert(tx: BillingTransaction, values: CustomerValues): Promise<CustomerRow | undefined> {
    const [row] = await tx.insert(customers).values(values).onConflictDoNothing({ target: customers.stripeCustomerId }).returning();
    return row;
  }

  async update(tx: BillingTransaction, values: CustomerValues): Promise<void> {
    await tx.update(customers).set(values).where(eq(customers.stripeCustomerId, values.stripeCustomerId));
  }
}
