ALTER TABLE "audit_archives" ADD COLUMN "handoff_request_id" uuid;--> statement-breakpoint
ALTER TABLE "audit_archives" ADD COLUMN "handoff_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "audit_archives" ADD COLUMN "handoff_status" text;--> statement-breakpoint
ALTER TABLE "audit_archives" ADD COLUMN "handoff_rows" bigint;--> statement-breakpoint
ALTER TABLE "audit_archives" ADD COLUMN "handoff_blob" text;--> statement-breakpoint
ALTER TABLE "audit_archives" ADD COLUMN "handoff_checksum" text;--> statement-breakpoint
ALTER TABLE "audit_archives" ADD COLUMN "handoff_error" text;--> statement-breakpoint
ALTER TABLE "audit_archives" ADD COLUMN "handoff_answered_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "audit_archives" ADD CONSTRAINT "audit_archives_handoff_status" CHECK ("handoff_status" is null or "handoff_status" in ('requested', 'completed', 'failed'));
--> statement-breakpoint
-- The archival hand-off to backup-worker (AUDIT_ARCHIVE_HANDOFF): audit_app records each request
-- and its answer on the partition's archive record, and nothing else of the record.
GRANT UPDATE (handoff_request_id, handoff_requested_at, handoff_status, handoff_rows, handoff_blob, handoff_checksum, handoff_error, handoff_answered_at) ON audit_archives TO audit_app;
