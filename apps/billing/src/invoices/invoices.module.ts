import { Module } from '@nestjs/common';
import { InvoicesController } from './invoices.controller';
import { InvoicesRepository } from './invoices.repository';
import { InvoicesService } from './invoices.service';

/** A tenant's invoices and payments as Stripe's events left them, newest first. */
@Module({ controllers: [InvoicesController], providers: [InvoicesRepository, InvoicesService] })
export class InvoicesModule {}
