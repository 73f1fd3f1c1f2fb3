import { ConfigOf, optional, setting } from '@comply/config';
import { ServiceConfig } from '@comply/service-runtime';

/** What billing reads besides the settings every service has (README: billing configuration). */
export const billingSettings = {
  STRIPE_WEBHOOK_SECRETS: optional(
    setting.string({
      secret: true,
      pattern: /^whsec_\S+(,whsec_\S+)*$/,
      doc: 'Webhook signing secrets (`whsec_…`), comma-separated: during a rotation both the old and the new one verify. Unset: `POST /webhooks/stripe` refuses every event (`npm start` sets a local one).',
    }),
  ),
  STRIPE_WEBHOOK_TOLERANCE_S: setting.int({ default: 300, min: 1, max: 3_600, doc: "How old a webhook's signed timestamp may be before the event is refused as stale." }),
  STRIPE_API_KEY: optional(
    setting.string({
      secret: true,
      pattern: /^(sk|rk)_(test|live)_\S+$/,
      doc: "Stripe secret or restricted key. Set: billing fetches objects from Stripe instead of trusting a stale payload, reports usage to Stripe's Billing Meters and can backfill events. Unset: nothing calls Stripe.",
    }),
  ),
  STRIPE_METER_EVENT_NAME: setting.string({ default: 'mapping_records', doc: "The `event_name` of the Stripe Billing Meter usage is reported to." }),
  STRIPE_EVENT_RETRY_BASE_MS: setting.int({ default: 1_000, min: 10, doc: 'First retry delay of a stored Stripe event whose processing failed, or of a usage report Stripe did not take; doubles per attempt.' }),
  STRIPE_EVENT_RETRY_MAX_MS: setting.int({ default: 600_000, min: 10, doc: 'Longest retry delay of a stored Stripe event or a usage report.' }),
  STRIPE_EVENT_MAX_ATTEMPTS: setting.int({ default: 10, min: 1, max: 100, doc: 'Attempts before a stored Stripe event or a usage report is marked failed (an operator can re-process or requeue it).' }),
  BILLING_JOB_INTERVAL_MS: setting.int({ default: 60_000, min: 100, doc: 'How often billing processes pending Stripe events, meter reports and dunning steps that are due.' }),
  DUNNING_GRACE_DAYS: setting.int({ default: 14, min: 0, max: 90, doc: 'Days after a failed payment before the quota drops (DUNNING_RESTRICTED_QUOTA).' }),
  DUNNING_REMINDER_DAYS: setting.string({
    default: '1,3,7',
    pattern: /^\d{1,2}(,\d{1,2})*$/,
    doc: 'Days after a failed payment on which a reminder is due (`billing.dunning.step.v1`, step `reminder`).',
  }),
  DUNNING_RESTRICTED_QUOTA: setting.oneOf(['free', 'zero'] as const, {
    default: 'free',
    doc: "What a tenant still past due after the grace period may store: the free tier's records, or none.",
  }),
};

export type BillingSettings = typeof billingSettings;
export type BillingConfig = ServiceConfig<BillingSettings>;
export type BillingOwnConfig = ConfigOf<BillingSettings>;
