CREATE TABLE "backup_archives" (
	"request_id" uuid PRIMARY KEY NOT NULL,
	"database" text NOT NULL,
	"table_name" text NOT NULL,
	"status" text NOT NULL,
	"requested_rows" bigint NOT NULL,
	"rows" bigint,
	"digest" text,
	"blob_container" text,
	"blob_name" text,
	"size_bytes" bigint,
	"checksum" text,
	"manifest" jsonb,
	"error_code" text,
	"error_message" text,
	"requested_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"host" text NOT NULL,
	CONSTRAINT "backup_archives_status" CHECK ("backup_archives"."status" in ('completed', 'failed')),
	CONSTRAINT "backup_archives_completed_has_blob" CHECK ("backup_archives"."status" <> 'completed' or ("backup_archives"."rows" >= 0 and "backup_archives"."digest" ~ '^sha256:[0-9a-f]{64}$' and "backup_archives"."checksum" ~ '^sha256:[0-9a-f]{64}$' and "backup_archives"."blob_name" is not null and "backup_archives"."size_bytes" >= 0 and "backup_archives"."manifest" is not null)),
	CONSTRAINT "backup_archives_failed_has_error" CHECK (("backup_archives"."status" = 'failed') = ("backup_archives"."error_code" is not null))
);
--> statement-breakpoint
CREATE INDEX "backup_archives_table_idx" ON "backup_archives" USING btree ("database","table_name");--> statement-breakpoint
-- An archive's record is the evidence its owner dropped the table on: backup_app adds it, with the
-- answer, and never changes or deletes it.
REVOKE UPDATE, DELETE, TRUNCATE ON backup_archives FROM backup_app;
