import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { type InvoiceList, type InvoiceResponse, type PaymentList } from '@comply/contracts';
import { withTenant } from '@comply/persistence';
import { DATABASE_CLIENT } from '@comply/service-runtime';
import { BillingDatabase } from '../database/billing-database';
import { invoiceResponseOf, paymentResponseOf } from './invoice-view';
import { InvoicesRepository } from './invoices.repository';
import { Page, pageFrom } from './page-cursor';

/** A Stripe invoice id as stored; anything else cannot name an invoice. */
const INVOICE_ID = /^in_[A-Za-z0-9_]{1,252}$/;

/**
 * A tenant's invoices and payments, newest first. An invoice id that is malformed or belongs to
 * another tenant is answered exactly like an unknown one, so ids reveal nothing across tenants.
 */
@Injectable()
export class InvoicesService {
  constructor(
    @Inject(DATABASE_CLIENT) private readonly database: BillingDatabase,
    private readonly repository: InvoicesRepository,
  ) {}

  async listInvoices(tenantId: string, page: Page): Promise<InvoiceList> {
    const rows = await withTenant(this.database.db, tenantId, (tx) => this.repository.listInvoices(tx, tenantId, page));
    return pageFrom(rows, page, (row) => row.stripeInvoiceId, invoiceResponseOf);
  }

  async getInvoice(tenantId: string, id: string): Promise<InvoiceResponse> {
    const row = INVOICE_ID.test(id) ? await withTenant(this.database.db, tenantId, (tx) => this.repository.findInvoice(tx, tenantId, id)) : undefined;
    if (!row) throw new NotFoundException('Invoice not found');
    return invoiceResponseOf(row);
  }

  async listPayments(tenantId: string, page: Page): Promise<PaymentList> {
    const rows = await withTenant(this.database.db, tenantId, (tx) => this.repository.listPayments(tx, tenantId, page));
    return pageFrom(rows, page, (row) => row.stripePaymentId, paymentResponseOf);
  }
}
