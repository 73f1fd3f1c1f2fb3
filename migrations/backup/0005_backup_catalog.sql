CREATE TABLE "backup_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"database" text NOT NULL,
	"status" text NOT NULL,
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone,
	"snapshot_at" timestamp with time zone,
	"covers_transactions_before" timestamp with time zone,
	"blob_container" text NOT NULL,
	"blob_name" text NOT NULL,
	"size_bytes" bigint,
	"checksum" text,
	"manifest" jsonb,
	"error_code" text,
	"error_message" text,
	"host" text NOT NULL,
	"expired_at" timestamp with time zone,
	CONSTRAINT "backup_runs_database" CHECK ("backup_runs"."database" in ('core', 'billing', 'analytics', 'audit', 'backup')),
	CONSTRAINT "backup_runs_status" CHECK ("backup_runs"."status" in ('running', 'completed', 'failed', 'expired')),
	CONSTRAINT "backup_runs_trigger" CHECK ("backup_runs"."trigger" in ('schedule', 'operator', 'cli')),
	CONSTRAINT "backup_runs_completed_has_blob" CHECK ("backup_runs"."status" not in ('completed', 'expired') or ("backup_runs"."completed_at" is not null and "backup_runs"."checksum" ~ '^sha256:[0-9a-f]{64}$' and "backup_runs"."size_bytes" >= 0 and "backup_runs"."manifest" is not null and "backup_runs"."covers_transactions_before" is not null)),
	CONSTRAINT "backup_runs_failed_has_error" CHECK ("backup_runs"."status" <> 'failed' or ("backup_runs"."completed_at" is not null and "backup_runs"."error_code" is not null)),
	CONSTRAINT "backup_runs_expired_when" CHECK (("backup_runs"."status" = 'expired') = ("backup_runs"."expired_at" is not null))
);
--> statement-breakpoint
CREATE TABLE "backup_verifications" (
	"id" uuid PRIMARY KEY NOT NULL,
	"run_id" uuid NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"restore_duration_ms" integer,
	"scratch_database" text NOT NULL,
	"tables" jsonb NOT NULL,
	"error_code" text,
	"error_message" text,
	"host" text NOT NULL,
	CONSTRAINT "backup_verifications_status" CHECK ("backup_verifications"."status" in ('passed', 'failed')),
	CONSTRAINT "backup_verifications_failed_has_error" CHECK (("backup_verifications"."status" = 'failed') = ("backup_verifications"."error_code" is not null)),
	CONSTRAINT "backup_verifications_duration" CHECK ("backup_verifications"."restore_duration_ms" is null or "backup_verifications"."restore_duration_ms" >= 0)
);
--> statement-breakpoint
ALTER TABLE "backup_verifications" ADD CONSTRAINT "backup_verifications_run_id_backup_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."backup_runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "backup_runs_database_started_idx" ON "backup_runs" USING btree ("database","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "backup_runs_one_running_per_database" ON "backup_runs" USING btree ("database") WHERE "backup_runs"."status" = 'running';--> statement-breakpoint
CREATE INDEX "backup_verifications_run_idx" ON "backup_verifications" USING btree ("run_id","completed_at" DESC NULLS LAST);