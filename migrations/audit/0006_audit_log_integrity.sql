-- What drizzle does not generate for the audit trail of 0005: monthly partitions of audit_log,
-- row-level security, the application role's privileges and the append-only triggers.

-- Append-only, for every role. audit_app has no UPDATE, DELETE or TRUNCATE privilege on audit_log
-- (below), so it fails earlier with "permission denied"; these triggers stop everyone else,
-- the owner included, with the same SQLSTATE 42501 and the message "audit_log is append-only: ...".
-- The one escape is archival (export, verify, then delete or truncate an old month): the session
-- sets audit.archival = 'on' AND runs as the role that owns audit_log (SET ROLE audit_owner).
-- Anyone may set a custom setting, so the role check is what guards the escape; the function is
-- SECURITY INVOKER so current_user is the caller, never the function's owner. UPDATE has no escape.
-- A superuser can still disable triggers (session_replication_role): that is what the hash chain
-- and the signed checkpoints catch.
CREATE FUNCTION audit_log_reject_change() RETURNS trigger
  LANGUAGE plpgsql SECURITY INVOKER SET search_path = public, pg_temp
  AS $$
  BEGIN
    IF TG_OP IN ('DELETE', 'TRUNCATE')
       AND current_setting('audit.archival', true) = 'on'
       AND current_user = (SELECT pg_get_userbyid(c.relowner) FROM pg_class c WHERE c.oid = 'audit_log'::regclass) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
      USING ERRCODE = 'insufficient_privilege',
            HINT = 'Entries are never changed; archival deletes old months as the owner with audit.archival = on.';
  END
  $$;
--> statement-breakpoint
-- Row triggers on a partitioned table are cloned onto every partition, present and future.
CREATE TRIGGER audit_log_append_only_row BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_reject_change();
--> statement-breakpoint
-- Statement triggers fire even when no row matches (e.g. the owner, whose rows RLS may hide), and
-- are the only kind TRUNCATE has. They are not inherited: audit_ensure_partitions adds one to each partition.
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject_change();
--> statement-breakpoint

-- Monthly partitions audit_log_pYYYYMM (UTC months of recorded_at). As core's storage_records:
-- partitions are reachable only through the parent (whose policies apply); the application role
-- gets no privileges on them, and RLS on each one denies anyone else who would query it directly.
CREATE FUNCTION audit_ensure_partitions(first_month date, months integer) RETURNS SETOF text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  DECLARE
    month_start date;
    partition_name text;
  BEGIN
    FOR i IN 0 .. months - 1 LOOP
      month_start := (date_trunc('month', first_month) + make_interval(months => i))::date;
      partition_name := 'audit_log_p' || to_char(month_start, 'YYYYMM');
      IF to_regclass(partition_name) IS NULL THEN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
          partition_name, month_start::timestamp AT TIME ZONE 'UTC',
          (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        EXECUTE format('REVOKE ALL ON %I FROM PUBLIC, audit_app', partition_name);
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', partition_name);
        EXECUTE format(
          'CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON %I
             FOR EACH STATEMENT EXECUTE FUNCTION audit_log_reject_change()',
          partition_name);
        RETURN NEXT partition_name;
      END IF;
    END LOOP;
  END
  $$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION audit_ensure_partitions(date, integer), audit_log_reject_change() FROM PUBLIC, audit_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_ensure_partitions(date, integer) TO audit_app;
--> statement-breakpoint
-- The previous month (late appends around a month boundary) through three months ahead;
-- audit-writer extends this on start and daily.
SELECT audit_ensure_partitions((date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date, 5);
--> statement-breakpoint

-- Privileges: 0000_privileges grants SELECT, INSERT, UPDATE, DELETE on every table by default;
-- the entries may only be appended and read, and the log heads are never deleted.
REVOKE ALL ON audit_log FROM PUBLIC, audit_app;
--> statement-breakpoint
GRANT SELECT, INSERT ON audit_log TO audit_app;
--> statement-breakpoint
REVOKE ALL ON audit_logs FROM PUBLIC, audit_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON audit_logs TO audit_app;
--> statement-breakpoint

-- Row-level security, fail closed as everywhere: a tenant sees and writes only its own log.
-- The platform log (log_id 'platform', tenant_id NULL; the check constraints of 0005 keep
-- 'platform' from ever being a tenant id) is written in the context app.tenant_id = 'platform':
--   - audit_logs: the application may read, lock (FOR UPDATE) and advance the platform head;
--   - audit_log: the application may only INSERT platform entries (no RETURNING, which would need
--     SELECT); reading them back is the owner's (SECURITY DEFINER functions, the admin tooling).
DO $$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY['audit_logs', 'audit_log'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I
         USING (tenant_id = current_setting(''app.tenant_id'', true))
         WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))',
      table_name);
    -- The owner (and so SECURITY DEFINER functions) reads across tenants and the platform log.
    EXECUTE format('CREATE POLICY owner_read ON %I FOR SELECT TO audit_owner USING (true)', table_name);
  END LOOP;
END
$$;
--> statement-breakpoint
CREATE POLICY platform_head ON audit_logs TO audit_app
  USING (tenant_id IS NULL AND log_id = 'platform' AND current_setting('app.tenant_id', true) = 'platform')
  WITH CHECK (tenant_id IS NULL AND log_id = 'platform' AND current_setting('app.tenant_id', true) = 'platform');
--> statement-breakpoint
CREATE POLICY platform_append ON audit_log FOR INSERT TO audit_app
  WITH CHECK (tenant_id IS NULL AND log_id = 'platform' AND current_setting('app.tenant_id', true) = 'platform');
--> statement-breakpoint
-- Archival deletes whole months as the owner; the triggers above still demand audit.archival = 'on'.
CREATE POLICY owner_archival ON audit_log FOR DELETE TO audit_owner USING (true);
