-- The Merkle frontier of each log (the roots of its complete subtrees, so its root at the current
-- size is known without reading the entries) and the state of its latest signed checkpoint.
-- Logs that already have entries get no frontier here: audit-writer computes it from their leaf
-- hashes at start (or on their next append), and until then the column is null. New and empty
-- logs start from the empty frontier.
ALTER TABLE "audit_logs" ADD COLUMN "frontier" "bytea";--> statement-breakpoint
UPDATE "audit_logs" SET "frontier" = ''::bytea WHERE "size" = 0;--> statement-breakpoint
ALTER TABLE "audit_logs" ALTER COLUMN "frontier" SET DEFAULT ''::bytea;--> statement-breakpoint
ALTER TABLE "audit_logs" ADD COLUMN "checkpoint_size" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_logs" ADD COLUMN "checkpoint_frontier" "bytea" DEFAULT ''::bytea NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_checkpoint_size_non_negative" CHECK ("audit_logs"."checkpoint_size" >= 0);--> statement-breakpoint
ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_frontier_shape" CHECK ("audit_logs"."frontier" IS NULL OR octet_length("audit_logs"."frontier") = 32 * bit_count("audit_logs"."size"::bit(64)));--> statement-breakpoint
ALTER TABLE "audit_logs" ADD CONSTRAINT "audit_logs_checkpoint_frontier_shape" CHECK (octet_length("audit_logs"."checkpoint_frontier") = 32 * bit_count("audit_logs"."checkpoint_size"::bit(64)));--> statement-breakpoint

-- The heads of all logs, for the jobs that visit every log (checkpoints, frontier backfill):
-- row-level security shows audit_app one log at a time, and these jobs must find them all. Sizes
-- and log ids only; each log is then read and written in its own tenant context.
CREATE FUNCTION audit_log_heads() RETURNS TABLE (log_id text, size bigint, checkpoint_size bigint, has_frontier boolean)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT log_id, size, checkpoint_size, frontier IS NOT NULL FROM audit_logs ORDER BY log_id
  $$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION audit_log_heads() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_log_heads() TO audit_app;
