import { Injectable } from '@nestjs/common';
import { and, desc, eq, getTableColumns, SQL, sql } from 'drizzle-orm';
import { AnyPgColumn } from 'drizzle-orm/pg-core';
import { BillingTransaction } from '../database/billing-database';
import { invoices, payments } from '../database/schema';
import { Page } from './page-cursor';

export type InvoiceRow = typeof invoices.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
/** A row with its created_at as exact UTC text, for the next page's cursor. */
export type Paged<R> = R & { cursorAt: string };

/** created_at to the microsecond: a JS Date would round it to the millisecond and pages could skip rows. */
const exactTime = (column: AnyPgColumn) => sql<string>`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Rows after the page's position, newest first, ties broken by id. */
function after(createdAt: AnyPgColumn, id: AnyPgColumn, page: Page): SQL | undefined {
  return page.after && sql`(${createdAt}, ${id}) < (${page.after.at}::timestamptz, ${page.after.id})`;
}

/** SQL of reading a tenant's invoices and payments; every call runs inside the tenant's transaction. */
@Injectable()
export class InvoicesRepository {
  /** One page and one row more, which tells whether another page follows. */
  listInvoices(tx: BillingTransaction, tenantId: string, page: Page): Promise<Array<Paged<InvoiceRow>>> {
    return tx
      .select({ ...getTableColumns(invoices), cursorAt: exactTime(invoices.createdAt) })
      .from(invoices)
      .where(and(eq(invoices.tenantId, tenantId), after(invoices.createdAt, invoices.stripeInvoiceId, page)))
      .orderBy(desc(invoices.createdAt), desc(invoices.stripeInvoiceId))
      .limit(page.limit + 1);
  }

  async findInvoice(tx: BillingTransaction, tenantId: string, id: string): Promise<InvoiceRow | undefined> {
    const [row] = await tx
      .select()
      .from(invoices)
      .where(and(eq(invoices.tenantId, tenantId), eq(invoices.stripeInvoiceId, id)));
    return row;
  }

  listPayments(tx: BillingTransaction, tenantId: string, page: Page): Promise<Array<Paged<PaymentRow>>> {
    return tx
      .select({ ...getTableColumns(payments), cursorAt: exactTime(payments.createdAt) })
      .from(payments)
      .where(and(eq(payments.tenantId, tenantId), after(payments.createdAt, payments.stripePaymentId, page)))
      .orderBy(desc(payments.createdAt), desc(payments.stripePaymentId))
      .limit(page.limit + 1);
  }
}
