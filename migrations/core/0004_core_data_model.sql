-- storage_records is recreated partitioned by month; it held no production data.
DROP TABLE "storage_records" CASCADE;
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "compliance_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text,
	"taxonomy_label" text NOT NULL,
	"framework" text NOT NULL,
	"control_id" text NOT NULL,
	"description" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "detector_configs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text,
	"detector_name" text NOT NULL,
	"detector_type" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"min_confidence" double precision DEFAULT 0 NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "model_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text,
	"version" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"description" text,
	"released_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "storage_record_keys" (
	"tenant_id" text NOT NULL,
	"request_id" text NOT NULL,
	"record_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "storage_record_keys_tenant_id_request_id_pk" PRIMARY KEY("tenant_id","request_id")
);
--> statement-breakpoint
CREATE TABLE "storage_records" (
	"id" uuid NOT NULL,
	"tenant_id" text NOT NULL,
	"request_id" text NOT NULL,
	"detector_name" text NOT NULL,
	"detector_type" text NOT NULL,
	"detector_version" text NOT NULL,
	"model_version" text NOT NULL,
	"taxonomy" text[] NOT NULL,
	"taxonomy_paths" text[] NOT NULL,
	"scores" jsonb NOT NULL,
	"confidence" double precision NOT NULL,
	"latency_ms" double precision NOT NULL,
	"metadata" jsonb,
	"provenance" jsonb,
	"source_data" text NOT NULL,
	"correlation_id" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"backup_status" text DEFAULT 'pending' NOT NULL,
	"backup_ref" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "storage_records_id_created_at_pk" PRIMARY KEY("id","created_at")
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
CREATE TABLE "taxonomy_labels" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" text,
	"label" text NOT NULL,
	"parent_label" text,
	"description" text NOT NULL,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenant_configs" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"retention_days" integer DEFAULT 365 NOT NULL,
	"allowed_detectors" text[],
	"default_model_version" text,
	"encryption_key_id" text,
	"monthly_record_quota" integer,
	"quota_plan" text,
	"quota_changed_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tenant_data_keys" (
	"tenant_id" text NOT NULL,
	"key_id" text NOT NULL,
	"wrapped" "bytea" NOT NULL,
	"kek_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_data_keys_tenant_id_key_id_pk" PRIMARY KEY("tenant_id","key_id")
);
--> statement-breakpoint
CREATE TABLE "tenant_usage" (
	"tenant_id" text NOT NULL,
	"month" text NOT NULL,
	"records" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "tenant_usage_tenant_id_month_pk" PRIMARY KEY("tenant_id","month")
);
--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "plan" text DEFAULT 'free' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "compliance_mappings" ADD CONSTRAINT "compliance_mappings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "detector_configs" ADD CONSTRAINT "detector_configs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "storage_record_keys" ADD CONSTRAINT "storage_record_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "storage_records" ADD CONSTRAINT "storage_records_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "taxonomy_labels" ADD CONSTRAINT "taxonomy_labels_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_configs" ADD CONSTRAINT "tenant_configs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_data_keys" ADD CONSTRAINT "tenant_data_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_usage" ADD CONSTRAINT "tenant_usage_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_prefix_idx" ON "api_keys" USING btree ("prefix");--> statement-breakpoint
CREATE INDEX "api_keys_tenant_idx" ON "api_keys" USING btree ("tenant_id");--> statement-breakpoint
CREATE UNIQUE INDEX "compliance_mappings_scope_idx" ON "compliance_mappings" USING btree (coalesce("tenant_id", ''),"taxonomy_label","framework","control_id");--> statement-breakpoint
CREATE UNIQUE INDEX "detector_configs_scope_name_idx" ON "detector_configs" USING btree (coalesce("tenant_id", ''),"detector_name");--> statement-breakpoint
CREATE UNIQUE INDEX "model_versions_scope_version_idx" ON "model_versions" USING btree (coalesce("tenant_id", ''),"version");--> statement-breakpoint
CREATE UNIQUE INDEX "storage_record_keys_record_idx" ON "storage_record_keys" USING btree ("record_id");--> statement-breakpoint
CREATE INDEX "storage_record_keys_tenant_expires_idx" ON "storage_record_keys" USING btree ("tenant_id","expires_at");--> statement-breakpoint
CREATE INDEX "storage_records_tenant_created_idx" ON "storage_records" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "storage_records_tenant_detector_idx" ON "storage_records" USING btree ("tenant_id","detector_name","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "storage_records_taxonomy_paths_idx" ON "storage_records" USING gin ("taxonomy_paths");--> statement-breakpoint
CREATE INDEX "storage_records_metadata_idx" ON "storage_records" USING gin ("metadata" jsonb_path_ops);--> statement-breakpoint
CREATE INDEX "storage_records_low_confidence_idx" ON "storage_records" USING btree ("tenant_id","confidence") WHERE "storage_records"."confidence" < 0.5;--> statement-breakpoint
CREATE INDEX "storage_records_tenant_expires_idx" ON "storage_records" USING btree ("tenant_id","expires_at");--> statement-breakpoint
CREATE INDEX "storage_records_backup_pending_idx" ON "storage_records" USING btree ("tenant_id","created_at") WHERE "storage_records"."backup_status" <> 'backed_up';--> statement-breakpoint
CREATE UNIQUE INDEX "taxonomy_labels_scope_label_idx" ON "taxonomy_labels" USING btree (coalesce("tenant_id", ''),"label");--> statement-breakpoint
CREATE INDEX "taxonomy_labels_aliases_idx" ON "taxonomy_labels" USING gin ("aliases");