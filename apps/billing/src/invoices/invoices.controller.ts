import { Controller, Get, Param, Query } from '@nestjs/common';
import { billingPageQuery, type InvoiceList, type InvoiceResponse, type PaymentList } from '@comply/contracts';
import { Caller, CurrentCaller, RequireScope } from '@comply/tenant-directory';
import { InvoicesService } from './invoices.service';
import { pageOf } from './page-cursor';
import { validated } from '@comply/service-runtime';

@Controller('v1/billing')
export class InvoicesController {
  constructor(private readonly invoices: InvoicesService) {}

  @Get('invoices')
  @RequireScope('read')
  listInvoices(@Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller): Promise<InvoiceList> {
    return this.invoices.listInvoices(caller.tenantId, pageOf(validated(billingPageQuery, query, 'query')));
  }

  @Get('invoices/:id')
  @RequireScope('read')
  getInvoice(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<InvoiceResponse> {
    return this.invoices.getInvoice(caller.tenantId, id);
  }

  @Get('payments')
  @RequireScope('read')
  listPayments(@Query() query: Record<string, unknown>, @CurrentCaller() caller: Caller): Promise<PaymentList> {
    return this.invoices.listPayments(caller.tenantId, pageOf(validated(billingPageQuery, query, 'query')));
  }
}
