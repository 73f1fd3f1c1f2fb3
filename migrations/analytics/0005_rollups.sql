-- Rollup tables (see the schema). The hourly tables are partitioned by day on bucket; their partitions,
-- row-level security, maintenance functions, BI views and privileges are in 0006_rollups_security.
CREATE TABLE "backup_rollups_daily" (
	"tenant_id" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"database" text NOT NULL,
	"completed" bigint DEFAULT 0 NOT NULL,
	"failed" bigint DEFAULT 0 NOT NULL,
	"last_completed_at" timestamp with time zone,
	"last_failed_at" timestamp with time zone,
	CONSTRAINT "backup_rollups_daily_tenant_id_bucket_database_pk" PRIMARY KEY("tenant_id","bucket","database")
);
--> statement-breakpoint
CREATE TABLE "record_dimension_rollups_daily" (
	"tenant_id" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"dimension" text NOT NULL,
	"key" text NOT NULL,
	"stored" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "record_dimension_rollups_daily_tenant_id_bucket_dimension_key_pk" PRIMARY KEY("tenant_id","bucket","dimension","key"),
	CONSTRAINT "record_dimension_rollups_daily_dimension_check" CHECK ("record_dimension_rollups_daily"."dimension" in ('detector', 'model', 'label'))
);
--> statement-breakpoint
CREATE TABLE "record_dimension_rollups_hourly" (
	"tenant_id" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"dimension" text NOT NULL,
	"key" text NOT NULL,
	"stored" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "record_dimension_rollups_hourly_tenant_id_bucket_dimension_key_pk" PRIMARY KEY("tenant_id","bucket","dimension","key"),
	CONSTRAINT "record_dimension_rollups_hourly_dimension_check" CHECK ("record_dimension_rollups_hourly"."dimension" in ('detector', 'model', 'label'))
) PARTITION BY RANGE ("bucket");
--> statement-breakpoint
CREATE TABLE "invoice_rollups_daily" (
	"tenant_id" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"subscription_id" text NOT NULL,
	"currency" text NOT NULL,
	"paid" bigint DEFAULT 0 NOT NULL,
	"paid_amount" bigint DEFAULT 0 NOT NULL,
	"failed" bigint DEFAULT 0 NOT NULL,
	"failed_amount" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "invoice_rollups_daily_tenant_id_bucket_subscription_id_currency_pk" PRIMARY KEY("tenant_id","bucket","subscription_id","currency")
);
--> statement-breakpoint
CREATE TABLE "invoice_rollups_hourly" (
	"tenant_id" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"subscription_id" text NOT NULL,
	"currency" text NOT NULL,
	"paid" bigint DEFAULT 0 NOT NULL,
	"paid_amount" bigint DEFAULT 0 NOT NULL,
	"failed" bigint DEFAULT 0 NOT NULL,
	"failed_amount" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "invoice_rollups_hourly_tenant_id_bucket_subscription_id_currency_pk" PRIMARY KEY("tenant_id","bucket","subscription_id","currency")
) PARTITION BY RANGE ("bucket");
--> statement-breakpoint
CREATE TABLE "record_rollups_daily" (
	"tenant_id" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"stored" bigint DEFAULT 0 NOT NULL,
	"deleted" bigint DEFAULT 0 NOT NULL,
	"confidence" bigint[] NOT NULL,
	"latency" bigint[] NOT NULL,
	CONSTRAINT "record_rollups_daily_tenant_id_bucket_pk" PRIMARY KEY("tenant_id","bucket")
);
--> statement-breakpoint
CREATE TABLE "record_rollups_hourly" (
	"tenant_id" text NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"stored" bigint DEFAULT 0 NOT NULL,
	"deleted" bigint DEFAULT 0 NOT NULL,
	"confidence" bigint[] NOT NULL,
	"latency" bigint[] NOT NULL,
	CONSTRAINT "record_rollups_hourly_tenant_id_bucket_pk" PRIMARY KEY("tenant_id","bucket")
) PARTITION BY RANGE ("bucket");
--> statement-breakpoint
CREATE TABLE "subscription_changes" (
	"tenant_id" text NOT NULL,
	"subscription_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"message_id" text NOT NULL,
	"plan" text NOT NULL,
	"status" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"interval" text NOT NULL,
	CONSTRAINT "subscription_changes_tenant_id_subscription_id_occurred_at_message_id_pk" PRIMARY KEY("tenant_id","subscription_id","occurred_at","message_id"),
	CONSTRAINT "subscription_changes_interval_check" CHECK ("subscription_changes"."interval" in ('month', 'year'))
);
