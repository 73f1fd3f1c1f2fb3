import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@comply/service-runtime';
import { BillingConfig } from '../billing-settings';
import { CheckoutCompletion } from './checkout-completion';
import { CustomerChanges } from './customer-changes';
import { InvoiceChanges } from './invoice-changes';
import { PaymentChanges } from './payment-changes';
import { PaymentMethodChanges } from './payment-method-changes';
import { STRIPE_CLIENT, stripeClientFor } from './stripe-client';
import { StripeCustomersRepository } from './stripe-customers.repository';
import { StripeEventProcessor } from './stripe-event-processor';
import { StripeEventsAdminController } from './stripe-events-admin.controller';
import { StripeEventsAdminService } from './stripe-events-admin.service';
import { StripeEventsRepository } from './stripe-events.repository';
import { StripeInvoicesRepository } from './stripe-invoices.repository';
import { StripeObjectSource } from './stripe-object-source';
import { StripePaymentsRepository } from './stripe-payments.repository';
import { StripeSubscriptionsRepository } from './stripe-subscriptions.repository';
import { StripeTenantResolver } from './stripe-tenant-resolver';
import { StripeWebhookController } from './stripe-webhook.controller';
import { StripeWebhookService } from './stripe-webhook.service';
import { SubscriptionChanges } from './subscription-changes';

/**
 * Stripe webhooks: `POST /webhooks/stripe` verifies and stores events, StripeEventProcessor applies
 * them to customers, subscriptions, invoices, payments and payment methods (calling the global
 * ACCOUNT_RECONCILER), and `/admin/stripe/events` lets operators list and re-process them.
 */
@Module({
  controllers: [StripeWebhookController, StripeEventsAdminController],
  providers: [
    { provide: STRIPE_CLIENT, inject: [SERVICE_CONFIG], useFactory: (config: BillingConfig) => stripeClientFor(config.STRIPE_API_KEY) },
    StripeEventsRepository,
    StripeCustomersRepository,
    StripeSubscriptionsRepository,
    StripeInvoicesRepository,
    StripePaymentsRepository,
    StripeObjectSource,
    StripeTenantResolver,
    CustomerChanges,
    SubscriptionChanges,
    InvoiceChanges,
    PaymentChanges,
    PaymentMethodChanges,
    CheckoutCompletion,
    StripeEventProcessor,
    StripeWebhookService,
    StripeEventsAdminService,
  ],
})
export class StripeModule {}
