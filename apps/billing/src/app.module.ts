import { Module } from '@nestjs/common';
import { TenantDirectoryModule } from '@comply/tenant-directory';
import { billingOpenApi } from '@comply/contracts';
import { DocsModule } from '@comply/service-runtime';
import { AccountsModule } from './accounts/accounts.module';
import { BillingTenantArrival } from './accounts/billing-tenant-arrival';
import { DunningModule } from './dunning/dunning.module';
import { TenantErasureRepository } from './erasure/tenant-erasure.repository';
import { MeterReportsModule } from './meter-reports/meter-reports.module';
import { MeteringModule } from './metering/metering.module';
import { InvoicesModule } from './invoices/invoices.module';
import { PlansModule } from './plans/plans.module';
import { ProfessionalServicesModule } from './professional-services/professional-services.module';
import { PromotionsModule } from './promotions/promotions.module';
import { SlaModule } from './sla/sla.module';
import { StripeModule } from './stripe/stripe.module';
import { SubscriptionModule } from './subscription/subscription.module';
import { UsageModule } from './usage/usage.module';

/**
 * billing: Stripe webhooks, plans, subscriptions, invoices, usage metering.
 * Feature modules are imported here; health, metrics, config, logging and the database client
 * come from the platform (libs/service-runtime) and are injectable everywhere. Tenants and API
 * keys come from the tenant directory's replica (libs/tenant-directory), which also serves
 * GET /v1/whoami.
 */
@Module({ imports: [TenantDirectoryModule.forReplica({ arrival: BillingTenantArrival, erasure: TenantErasureRepository }), AccountsModule, DunningModule, MeteringModule, MeterReportsModule, SubscriptionModule, UsageModule, InvoicesModule, PromotionsModule, PlansModule, ProfessionalServicesModule, SlaModule, StripeModule, DocsModule.forDocument(billingOpenApi)] })
export class AppModule {}
