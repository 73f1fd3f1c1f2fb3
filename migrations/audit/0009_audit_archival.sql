CREATE TABLE "audit_archive_logs" (
	"partition" text NOT NULL,
	"log_id" text NOT NULL,
	"first_sequence" bigint NOT NULL,
	"last_sequence" bigint NOT NULL,
	"entries" bigint NOT NULL,
	"first_prev_hash" "bytea" NOT NULL,
	"last_hash" "bytea" NOT NULL,
	"slice_blob" text NOT NULL,
	"slice_sha256" "bytea" NOT NULL,
	"checkpoint_size" bigint NOT NULL,
	CONSTRAINT "audit_archive_logs_partition_log_id_pk" PRIMARY KEY("partition","log_id"),
	CONSTRAINT "audit_archive_logs_sequences" CHECK ("audit_archive_logs"."first_sequence" >= 1 AND "audit_archive_logs"."last_sequence" >= "audit_archive_logs"."first_sequence" AND "audit_archive_logs"."entries" = "audit_archive_logs"."last_sequence" - "audit_archive_logs"."first_sequence" + 1),
	CONSTRAINT "audit_archive_logs_hash_lengths" CHECK (octet_length("audit_archive_logs"."first_prev_hash") = 32 AND octet_length("audit_archive_logs"."last_hash") = 32 AND octet_length("audit_archive_logs"."slice_sha256") = 32)
);
--> statement-breakpoint
CREATE TABLE "audit_archived_leaves" (
	"log_id" text NOT NULL,
	"sequence" bigint NOT NULL,
	"leaf_hash" "bytea" NOT NULL,
	CONSTRAINT "audit_archived_leaves_log_id_sequence_pk" PRIMARY KEY("log_id","sequence"),
	CONSTRAINT "audit_archived_leaves_leaf_hash_length" CHECK (octet_length("audit_archived_leaves"."leaf_hash") = 32)
);
--> statement-breakpoint
CREATE TABLE "audit_archives" (
	"partition" text PRIMARY KEY NOT NULL,
	"range_start" timestamp with time zone NOT NULL,
	"range_end" timestamp with time zone NOT NULL,
	"manifest_blob" text NOT NULL,
	"manifest_sha256" "bytea" NOT NULL,
	"entries" bigint NOT NULL,
	"verified_at" timestamp with time zone,
	"dropped_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "audit_archive_logs" ADD CONSTRAINT "audit_archive_logs_partition_audit_archives_partition_fk" FOREIGN KEY ("partition") REFERENCES "public"."audit_archives"("partition") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_archive_logs_log_idx" ON "audit_archive_logs" USING btree ("log_id","last_sequence");--> statement-breakpoint

-- Retention and archival (apps/audit-writer/src/archival). audit_app records archives and reads
-- them; it never deletes entries: the one way an old month leaves audit_log is
-- audit_archive_drop_partition below, which checks the archive record first.
REVOKE ALL ON audit_archives, audit_archive_logs, audit_archived_leaves FROM PUBLIC, audit_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_archives TO audit_app;
--> statement-breakpoint
GRANT UPDATE (verified_at) ON audit_archives TO audit_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_archive_logs TO audit_app;
--> statement-breakpoint
GRANT SELECT ON audit_archived_leaves TO audit_app;
--> statement-breakpoint
-- A log's archive records and archived leaves are its tenant's, as its entries are ('platform' for
-- the platform log, whose log id is its context); the owner reads them all.
DO $$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY['audit_archive_logs', 'audit_archived_leaves'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
    EXECUTE format(
      'CREATE POLICY log_isolation ON %I
         USING (log_id = current_setting(''app.tenant_id'', true))
         WITH CHECK (log_id = current_setting(''app.tenant_id'', true))',
      table_name);
    EXECUTE format('CREATE POLICY owner_all ON %I TO audit_owner USING (true) WITH CHECK (true)', table_name);
  END LOOP;
END
$$;
--> statement-breakpoint

-- The partitions of audit_log and their ranges (UTC), oldest first.
CREATE FUNCTION audit_log_partitions() RETURNS TABLE (partition text, range_start timestamptz, range_end timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET timezone = 'UTC'
  AS $$
    SELECT c.relname::text, bounds[1]::timestamptz, bounds[2]::timestamptz
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      CROSS JOIN LATERAL regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\) TO \(''([^'']+)''\)') AS bounds
     WHERE i.inhparent = 'audit_log'::regclass
     ORDER BY 2
  $$;
--> statement-breakpoint

-- Per log, what one partition holds: the run of sequences, the count, and the hashes at both ends.
-- Across tenants (row-level security shows audit_app one log at a time), so owner-defined.
CREATE FUNCTION audit_partition_logs(partition_name text)
  RETURNS TABLE (log_id text, first_sequence bigint, last_sequence bigint, entries bigint, first_prev_hash bytea, last_hash bytea)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  BEGIN
    IF NOT EXISTS (SELECT 1 FROM audit_log_partitions() p WHERE p.partition = partition_name) THEN
      RAISE EXCEPTION '% is not a partition of audit_log', partition_name USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN QUERY EXECUTE format(
      'SELECT s.log_id, s.first_sequence, s.last_sequence, s.entries, f.prev_hash, l.hash
         FROM (SELECT log_id, min(sequence) AS first_sequence, max(sequence) AS last_sequence, count(*) AS entries FROM %1$I GROUP BY log_id) s
         JOIN %1$I f ON f.log_id = s.log_id AND f.sequence = s.first_sequence
         JOIN %1$I l ON l.log_id = s.log_id AND l.sequence = s.last_sequence
        ORDER BY s.log_id',
      partition_name);
  END
  $$;
--> statement-breakpoint

-- Detaches and drops ONE partition of audit_log, and only when:
--   - its whole range ends at or before `cutoff`, and `cutoff` is at least 12 months back (the
--     floor of AUDIT_RETENTION_MONTHS: whatever the caller passes, nothing younger goes);
--   - audit_archives says it was archived and every blob read back and verified (verified_at);
--   - audit_archive_logs has exactly the partition's logs, each with the same first and last
--     sequence, count and last hash as the rows being dropped.
-- The leaf hashes of its entries are copied to audit_archived_leaves in the same transaction, so
-- the logs' Merkle trees stay whole. DETACH takes an ACCESS EXCLUSIVE lock on audit_log for an
-- instant: appends wait for it (lock_timeout bounds the wait here).
CREATE FUNCTION audit_archive_drop_partition(partition_name text, cutoff timestamptz) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '5s'
  AS $$
  DECLARE
    bounds record;
    archive record;
    mismatched integer;
    recorded integer;
    present integer;
    copied bigint;
  BEGIN
    SELECT * INTO bounds FROM audit_log_partitions() p WHERE p.partition = partition_name;
    IF NOT FOUND THEN
      RAISE EXCEPTION '% is not a partition of audit_log', partition_name USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF cutoff > date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' - interval '12 months' THEN
      RAISE EXCEPTION 'cutoff % is less than 12 months back', cutoff USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF bounds.range_end > cutoff THEN
      RAISE EXCEPTION '% ends at %, after the cutoff %', partition_name, bounds.range_end, cutoff USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO archive FROM audit_archives a WHERE a.partition = partition_name FOR UPDATE;
    IF NOT FOUND OR archive.verified_at IS NULL OR archive.range_start <> bounds.range_start OR archive.range_end <> bounds.range_end THEN
      RAISE EXCEPTION '% has no verified archive', partition_name USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Nothing may enter the partition between the comparison and the drop.
    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', partition_name);
    SELECT count(*) INTO present FROM audit_partition_logs(partition_name);
    SELECT count(*) INTO recorded FROM audit_archive_logs r WHERE r.partition = partition_name;
    SELECT count(*) INTO mismatched
      FROM audit_partition_logs(partition_name) p
      LEFT JOIN audit_archive_logs r ON r.partition = partition_name AND r.log_id = p.log_id
     WHERE r.log_id IS NULL OR r.first_sequence <> p.first_sequence OR r.last_sequence <> p.last_sequence
        OR r.entries <> p.entries OR r.last_hash <> p.last_hash OR r.first_prev_hash <> p.first_prev_hash;
    IF mismatched > 0 OR recorded <> present THEN
      RAISE EXCEPTION '% does not hold what its archive records', partition_name USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('INSERT INTO audit_archived_leaves (log_id, sequence, leaf_hash) SELECT log_id, sequence, leaf_hash FROM %I', partition_name);
    GET DIAGNOSTICS copied = ROW_COUNT;
    EXECUTE format('ALTER TABLE audit_log DETACH PARTITION %I', partition_name);
    EXECUTE format('DROP TABLE %I', partition_name);
    UPDATE audit_archives SET dropped_at = now() WHERE audit_archives.partition = partition_name;
    RETURN copied;
  END
  $$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION audit_log_partitions(), audit_partition_logs(text), audit_archive_drop_partition(text, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_log_partitions(), audit_partition_logs(text), audit_archive_drop_partition(text, timestamptz) TO audit_app;
