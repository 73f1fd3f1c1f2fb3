CREATE TABLE "customers" (
	"stripe_customer_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"email" text,
	"name" text,
	"deleted_at" timestamp with time zone,
	"stripe_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dunning_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"stripe_invoice_id" text NOT NULL,
	"step" text NOT NULL,
	"sequence" integer NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "engagements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"kind" text DEFAULT 'white_glove_onboarding' NOT NULL,
	"scope" text NOT NULL,
	"price_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text DEFAULT 'proposed' NOT NULL,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"satisfaction_score" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "engagements_satisfaction_range" CHECK ("engagements"."satisfaction_score" is null or "engagements"."satisfaction_score" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"stripe_invoice_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"stripe_subscription_id" text,
	"number" text,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"amount_due" bigint DEFAULT 0 NOT NULL,
	"amount_paid" bigint DEFAULT 0 NOT NULL,
	"credits_applied" bigint DEFAULT 0 NOT NULL,
	"period_start" timestamp with time zone,
	"period_end" timestamp with time zone,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"next_payment_attempt_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"customer_name" text,
	"customer_email" text,
	"stripe_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meter_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"period" text NOT NULL,
	"slice" integer NOT NULL,
	"quantity" bigint NOT NULL,
	"identifier" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meter_reports_identifier_unique" UNIQUE("identifier")
);
--> statement-breakpoint
CREATE TABLE "payment_methods" (
	"stripe_payment_method_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"stripe_customer_id" text,
	"type" text NOT NULL,
	"brand" text,
	"last4" text,
	"exp_month" integer,
	"exp_year" integer,
	"detached_at" timestamp with time zone,
	"stripe_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payment_methods_last4_digits" CHECK ("payment_methods"."last4" ~ '^[0-9]{4}$')
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"stripe_payment_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"stripe_invoice_id" text,
	"stripe_charge_id" text,
	"status" text NOT NULL,
	"amount" bigint NOT NULL,
	"amount_refunded" bigint DEFAULT 0 NOT NULL,
	"currency" text NOT NULL,
	"failure_code" text,
	"disputed_at" timestamp with time zone,
	"stripe_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"is_free" boolean DEFAULT false NOT NULL,
	"stripe_price_id" text,
	"price_minor" bigint DEFAULT 0 NOT NULL,
	"currency" text DEFAULT 'usd' NOT NULL,
	"interval" text DEFAULT 'month' NOT NULL,
	"included_records" integer,
	"overage_price_minor_per_1000" bigint,
	"features" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plans_stripe_price_id_unique" UNIQUE("stripe_price_id")
);
--> statement-breakpoint
CREATE TABLE "promotional_code_redemptions" (
	"code" text NOT NULL,
	"tenant_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "promotional_code_redemptions_code_tenant_id_pk" PRIMARY KEY("code","tenant_id")
);
--> statement-breakpoint
CREATE TABLE "promotional_codes" (
	"code" text PRIMARY KEY NOT NULL,
	"description" text,
	"percent_off" integer,
	"amount_off_minor" bigint,
	"currency" text,
	"valid_from" timestamp with time zone,
	"valid_until" timestamp with time zone,
	"max_redemptions" integer,
	"redemptions" integer DEFAULT 0 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "promotional_codes_one_discount" CHECK (("promotional_codes"."percent_off" is null) <> ("promotional_codes"."amount_off_minor" is null)),
	CONSTRAINT "promotional_codes_percent_range" CHECK ("promotional_codes"."percent_off" is null or "promotional_codes"."percent_off" between 1 and 100),
	CONSTRAINT "promotional_codes_amount_currency" CHECK ("promotional_codes"."amount_off_minor" is null or ("promotional_codes"."amount_off_minor" > 0 and "promotional_codes"."currency" is not null))
);
--> statement-breakpoint
CREATE TABLE "sla_commitments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"metric" text NOT NULL,
	"target" numeric(12, 4) NOT NULL,
	"comparison" text NOT NULL,
	"credit_percent" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sla_commitments_credit_range" CHECK ("sla_commitments"."credit_percent" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "sla_measurements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"commitment_id" uuid NOT NULL,
	"period" text NOT NULL,
	"measured" numeric(12, 4) NOT NULL,
	"breached" boolean NOT NULL,
	"credit_minor" bigint,
	"credit_invoice_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"api_version" text,
	"livemode" boolean DEFAULT false NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"tenant_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"stripe_subscription_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"stripe_customer_id" text NOT NULL,
	"plan_code" text,
	"stripe_price_id" text,
	"status" text NOT NULL,
	"current_period_start" timestamp with time zone,
	"current_period_end" timestamp with time zone,
	"trial_end" timestamp with time zone,
	"cancel_at" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"canceled_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"stripe_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenant_accounts" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"plan_code" text NOT NULL,
	"plan_source" text DEFAULT 'default' NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"grace_ends_at" timestamp with time zone,
	"published_quota" integer,
	"quota_published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"topic" text NOT NULL,
	"scheduled_at" timestamp with time zone NOT NULL,
	"duration_minutes" integer NOT NULL,
	"attendees" integer,
	"price_minor" bigint NOT NULL,
	"currency" text NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"satisfaction_score" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_sessions_satisfaction_range" CHECK ("training_sessions"."satisfaction_score" is null or "training_sessions"."satisfaction_score" between 1 and 5)
);
--> statement-breakpoint
CREATE TABLE "usage_notices" (
	"tenant_id" text NOT NULL,
	"period" text NOT NULL,
	"threshold_percent" integer NOT NULL,
	"used_at_notice" bigint NOT NULL,
	"included_at_notice" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_notices_tenant_id_period_threshold_percent_pk" PRIMARY KEY("tenant_id","period","threshold_percent")
);
--> statement-breakpoint
CREATE TABLE "usage_records" (
	"tenant_id" text NOT NULL,
	"metric" text NOT NULL,
	"period" text NOT NULL,
	"quantity" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_records_tenant_id_metric_period_pk" PRIMARY KEY("tenant_id","metric","period"),
	CONSTRAINT "usage_records_period_format" CHECK ("usage_records"."period" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$')
);
--> statement-breakpoint
ALTER TABLE "promotional_code_redemptions" ADD CONSTRAINT "promotional_code_redemptions_code_promotional_codes_code_fk" FOREIGN KEY ("code") REFERENCES "public"."promotional_codes"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_measurements" ADD CONSTRAINT "sla_measurements_commitment_id_sla_commitments_id_fk" FOREIGN KEY ("commitment_id") REFERENCES "public"."sla_commitments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_plan_code_plans_code_fk" FOREIGN KEY ("plan_code") REFERENCES "public"."plans"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_accounts" ADD CONSTRAINT "tenant_accounts_plan_code_plans_code_fk" FOREIGN KEY ("plan_code") REFERENCES "public"."plans"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customers_tenant_idx" ON "customers" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dunning_steps_invoice_step_idx" ON "dunning_steps" USING btree ("stripe_invoice_id","step","sequence");--> statement-breakpoint
CREATE INDEX "dunning_steps_due_idx" ON "dunning_steps" USING btree ("due_at") WHERE "dunning_steps"."done_at" is null and "dunning_steps"."cancelled_at" is null;--> statement-breakpoint
CREATE INDEX "engagements_tenant_idx" ON "engagements" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "invoices_tenant_created_idx" ON "invoices" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE INDEX "meter_reports_pending_idx" ON "meter_reports" USING btree ("available_at") WHERE "meter_reports"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "payment_methods_tenant_idx" ON "payment_methods" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "payments_tenant_created_idx" ON "payments" USING btree ("tenant_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_charge_idx" ON "payments" USING btree ("stripe_charge_id");--> statement-breakpoint
CREATE INDEX "promotional_code_redemptions_tenant_idx" ON "promotional_code_redemptions" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "sla_commitments_tenant_idx" ON "sla_commitments" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sla_measurements_commitment_period_idx" ON "sla_measurements" USING btree ("commitment_id","period");--> statement-breakpoint
CREATE INDEX "sla_measurements_tenant_idx" ON "sla_measurements" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "stripe_events_pending_idx" ON "stripe_events" USING btree ("available_at","created_at") WHERE "stripe_events"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "stripe_events_received_idx" ON "stripe_events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "subscriptions_tenant_idx" ON "subscriptions" USING btree ("tenant_id");--> statement-breakpoint
CREATE INDEX "training_sessions_tenant_idx" ON "training_sessions" USING btree ("tenant_id");