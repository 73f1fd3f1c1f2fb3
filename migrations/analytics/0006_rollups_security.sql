-- Rollups: histogram arithmetic, row-level security, hourly partition maintenance, the daily
-- recompute and the BI views (apps/analytics-ingest/README.md). Runs as analytics_owner.

-- Histograms are bigint[] of counts per fixed bucket (apps/analytics-ingest/src/rollups/histogram-buckets.ts); they add element-wise.
CREATE FUNCTION analytics_add_counts(a bigint[], b bigint[]) RETURNS bigint[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT array_agg(coalesce(x, 0) + coalesce(y, 0) ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS h(x, y, i) $$;
--> statement-breakpoint
CREATE AGGREGATE analytics_sum_counts(bigint[]) (SFUNC = analytics_add_counts, STYPE = bigint[], PARALLEL = SAFE);
--> statement-breakpoint
-- The upper edges of the buckets; equal to CONFIDENCE_BUCKETS and LATENCY_MS_BUCKETS (a test holds them so).
CREATE FUNCTION analytics_confidence_edges() RETURNS double precision[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ARRAY[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.92, 0.94, 0.96, 0.97, 0.98, 0.99, 0.995, 1]::double precision[] $$;
--> statement-breakpoint
CREATE FUNCTION analytics_latency_edges() RETURNS double precision[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ARRAY[1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000, 60000]::double precision[] $$;
--> statement-breakpoint
-- Nearest-rank quantile read from a histogram: the upper edge of the bucket holding rank ceil(q·n)
-- (the overflow bucket answers the last edge); null without observations.
CREATE FUNCTION analytics_percentile(counts bigint[], edges double precision[], q double precision) RETURNS double precision
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT edges[least(i, array_length(edges, 1))]
      FROM (SELECT i, sum(c) OVER (ORDER BY i) AS seen, sum(c) OVER () AS total FROM unnest(counts) WITH ORDINALITY AS h(c, i)) ranked
     WHERE total > 0 AND seen >= greatest(1, ceil(q * total))
     ORDER BY i LIMIT 1
  $$;
--> statement-breakpoint
-- Fail closed like every tenant table. Three policies:
-- tenant_isolation: the application reads and writes the rows of the tenant it set (app.tenant_id);
-- fleet_read: with app.tenant_id = '_fleet' (no tenant can be called that) it reads every row, which
--   only the admin token's fleet reports set, and writes none;
-- owner_maintenance: the owner, and so the definer functions and views below, reaches every row.
DO $$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY['record_rollups_hourly', 'record_rollups_daily', 'record_dimension_rollups_hourly', 'record_dimension_rollups_daily',
                                    'invoice_rollups_hourly', 'invoice_rollups_daily', 'subscription_changes', 'backup_rollups_daily'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I
         USING (tenant_id = current_setting(''app.tenant_id'', true))
         WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))',
      table_name);
    EXECUTE format('CREATE POLICY fleet_read ON %I FOR SELECT USING (current_setting(''app.tenant_id'', true) = ''_fleet'')', table_name);
    EXECUTE format('CREATE POLICY owner_maintenance ON %I TO %I USING (true) WITH CHECK (true)', table_name, current_user);
  END LOOP;
END
$$;
--> statement-breakpoint
-- Day partitions of the hourly tables, "<table>_pYYYYMMDD". The application role may not create
-- tables, so it calls this definer function; it gets no privileges on the partitions themselves
-- (row-level security applies through the parent only).
CREATE FUNCTION analytics_ensure_hourly_partitions(from_day date, days integer) RETURNS SETOF text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  parent text;
  day date;
  partition_name text;
  app_role text := regexp_replace(current_user, '_owner$', '_app');
  reader_role text := regexp_replace(current_user, '_owner$', '_reader');
BEGIN
  IF days < 1 OR days > 400 THEN
    RAISE EXCEPTION 'days must be between 1 and 400, not %', days;
  END IF;
  FOREACH parent IN ARRAY ARRAY['record_rollups_hourly', 'record_dimension_rollups_hourly', 'invoice_rollups_hourly'] LOOP
    FOR offset_days IN 0 .. days - 1 LOOP
      day := from_day + offset_days;
      partition_name := format('%s_p%s', parent, to_char(day, 'YYYYMMDD'));
      CONTINUE WHEN to_regclass(partition_name) IS NOT NULL;
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
        partition_name, parent, (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
      EXECUTE format('REVOKE ALL ON %I FROM %I', partition_name, app_role);
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = reader_role) THEN
        EXECUTE format('REVOKE ALL ON %I FROM %I', partition_name, reader_role);
      END IF;
      RETURN NEXT partition_name;
    END LOOP;
  END LOOP;
END
$$;
--> statement-breakpoint
-- Drops the day partitions of the hourly tables before before_day: hourly retention.
CREATE FUNCTION analytics_drop_hourly_partitions(before_day date) RETURNS SETOF text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  partition_name text;
BEGIN
  FOR partition_name IN
    SELECT child.relname
      FROM pg_inherits
      JOIN pg_class child ON child.oid = pg_inherits.inhrelid
      JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
     WHERE parent.relname IN ('record_rollups_hourly', 'record_dimension_rollups_hourly', 'invoice_rollups_hourly')
       AND child.relname ~ '_p[0-9]{8}$'
       AND to_date(right(child.relname, 8), 'YYYYMMDD') < before_day
     ORDER BY child.relname
  LOOP
    EXECUTE format('DROP TABLE %I', partition_name);
    RETURN NEXT partition_name;
  END LOOP;
END
$$;
--> statement-breakpoint
-- Recomputes the daily rollups of [from_day, to_day) from the hourly ones, for every tenant, and
-- answers how many daily rows it had to change (inserted, updated or deleted) per table: 0 when
-- the additive upserts kept them right. Only days whose hours are all retained may be passed.
CREATE FUNCTION analytics_recompute_days(from_day date, to_day date) RETURNS TABLE (rollup text, changed bigint)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
DECLARE
  from_at timestamptz := from_day::timestamp AT TIME ZONE 'UTC';
  to_at timestamptz := to_day::timestamp AT TIME ZONE 'UTC';
BEGIN
  rollup := 'record_rollups_daily';
  WITH recomputed AS (
    SELECT tenant_id, date_trunc('day', bucket, 'UTC') AS bucket, sum(stored)::bigint AS stored, sum(deleted)::bigint AS deleted,
           analytics_sum_counts(confidence) AS confidence, analytics_sum_counts(latency) AS latency
      FROM record_rollups_hourly WHERE bucket >= from_at AND bucket < to_at GROUP BY 1, 2
  ), upserted AS (
    INSERT INTO record_rollups_daily AS d (tenant_id, bucket, stored, deleted, confidence, latency)
    SELECT * FROM recomputed
    ON CONFLICT (tenant_id, bucket) DO UPDATE SET stored = excluded.stored, deleted = excluded.deleted, confidence = excluded.confidence, latency = excluded.latency
      WHERE (d.stored, d.deleted, d.confidence, d.latency) IS DISTINCT FROM (excluded.stored, excluded.deleted, excluded.confidence, excluded.latency)
    RETURNING 1
  ), removed AS (
    DELETE FROM record_rollups_daily d WHERE d.bucket >= from_at AND d.bucket < to_at
       AND NOT EXISTS (SELECT 1 FROM recomputed r WHERE r.tenant_id = d.tenant_id AND r.bucket = d.bucket)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM upserted) + (SELECT count(*) FROM removed) INTO changed;
  RETURN NEXT;

  rollup := 'record_dimension_rollups_daily';
  WITH recomputed AS (
    SELECT tenant_id, date_trunc('day', bucket, 'UTC') AS bucket, dimension, key, sum(stored)::bigint AS stored
      FROM record_dimension_rollups_hourly WHERE bucket >= from_at AND bucket < to_at GROUP BY 1, 2, 3, 4
  ), upserted AS (
    INSERT INTO record_dimension_rollups_daily AS d (tenant_id, bucket, dimension, key, stored)
    SELECT * FROM recomputed
    ON CONFLICT (tenant_id, bucket, dimension, key) DO UPDATE SET stored = excluded.stored WHERE d.stored IS DISTINCT FROM excluded.stored
    RETURNING 1
  ), removed AS (
    DELETE FROM record_dimension_rollups_daily d WHERE d.bucket >= from_at AND d.bucket < to_at
       AND NOT EXISTS (SELECT 1 FROM recomputed r WHERE r.tenant_id = d.tenant_id AND r.bucket = d.bucket AND r.dimension = d.dimension AND r.key = d.key)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM upserted) + (SELECT count(*) FROM removed) INTO changed;
  RETURN NEXT;

  rollup := 'invoice_rollups_daily';
  WITH recomputed AS (
    SELECT tenant_id, date_trunc('day', bucket, 'UTC') AS bucket, subscription_id, currency,
           sum(paid)::bigint AS paid, sum(paid_amount)::bigint AS paid_amount, sum(failed)::bigint AS failed, sum(failed_amount)::bigint AS failed_amount
      FROM invoice_rollups_hourly WHERE bucket >= from_at AND bucket < to_at GROUP BY 1, 2, 3, 4
  ), upserted AS (
    INSERT INTO invoice_rollups_daily AS d (tenant_id, bucket, subscription_id, currency, paid, paid_amount, failed, failed_amount)
    SELECT * FROM recomputed
    ON CONFLICT (tenant_id, bucket, subscription_id, currency) DO UPDATE
      SET paid = excluded.paid, paid_amount = excluded.paid_amount, failed = excluded.failed, failed_amount = excluded.failed_amount
      WHERE (d.paid, d.paid_amount, d.failed, d.failed_amount) IS DISTINCT FROM (excluded.paid, excluded.paid_amount, excluded.failed, excluded.failed_amount)
    RETURNING 1
  ), removed AS (
    DELETE FROM invoice_rollups_daily d WHERE d.bucket >= from_at AND d.bucket < to_at
       AND NOT EXISTS (SELECT 1 FROM recomputed r WHERE r.tenant_id = d.tenant_id AND r.bucket = d.bucket AND r.subscription_id = d.subscription_id AND r.currency = d.currency)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM upserted) + (SELECT count(*) FROM removed) INTO changed;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
DO $$
DECLARE
  app_role text := regexp_replace(current_user, '_owner$', '_app');
  fn text;
BEGIN
  IF app_role = current_user THEN
    RAISE EXCEPTION 'rollups_security must run as the database owner role (<database>_owner), not %', current_user;
  END IF;
  FOREACH fn IN ARRAY ARRAY['analytics_ensure_hourly_partitions(date, integer)', 'analytics_drop_hourly_partitions(date)', 'analytics_recompute_days(date, date)'] LOOP
    EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, app_role);
  END LOOP;
END
$$;
--> statement-breakpoint
-- BI views: every tenant's rows (they run as their owner), for the read-only role. Columns are
-- documented in the README ("Views for BI"). security_barrier keeps a reader's predicates from
-- running before the views' own.
CREATE VIEW analytics_v_records_daily WITH (security_barrier) AS
  SELECT tenant_id, bucket AS day, stored, deleted,
         analytics_percentile(confidence, analytics_confidence_edges(), 0.5) AS confidence_p50,
         analytics_percentile(confidence, analytics_confidence_edges(), 0.95) AS confidence_p95,
         analytics_percentile(confidence, analytics_confidence_edges(), 0.99) AS confidence_p99,
         analytics_percentile(latency, analytics_latency_edges(), 0.5) AS latency_ms_p50,
         analytics_percentile(latency, analytics_latency_edges(), 0.95) AS latency_ms_p95,
         analytics_percentile(latency, analytics_latency_edges(), 0.99) AS latency_ms_p99
    FROM record_rollups_daily;
--> statement-breakpoint
CREATE VIEW analytics_v_records_hourly WITH (security_barrier) AS
  SELECT tenant_id, bucket AS hour, stored, deleted,
         analytics_percentile(confidence, analytics_confidence_edges(), 0.5) AS confidence_p50,
         analytics_percentile(confidence, analytics_confidence_edges(), 0.95) AS confidence_p95,
         analytics_percentile(confidence, analytics_confidence_edges(), 0.99) AS confidence_p99,
         analytics_percentile(latency, analytics_latency_edges(), 0.5) AS latency_ms_p50,
         analytics_percentile(latency, analytics_latency_edges(), 0.95) AS latency_ms_p95,
         analytics_percentile(latency, analytics_latency_edges(), 0.99) AS latency_ms_p99
    FROM record_rollups_hourly;
--> statement-breakpoint
CREATE VIEW analytics_v_labels_daily WITH (security_barrier) AS
  SELECT tenant_id, bucket AS day, key AS label, array_length(string_to_array(key, '.'), 1) AS depth, stored
    FROM record_dimension_rollups_daily WHERE dimension = 'label';
--> statement-breakpoint
CREATE VIEW analytics_v_detectors_daily WITH (security_barrier) AS
  SELECT tenant_id, bucket AS day, key AS detector, stored FROM record_dimension_rollups_daily WHERE dimension = 'detector';
--> statement-breakpoint
CREATE VIEW analytics_v_model_versions_daily WITH (security_barrier) AS
  SELECT tenant_id, bucket AS day, key AS model_version, stored FROM record_dimension_rollups_daily WHERE dimension = 'model';
--> statement-breakpoint
-- The plan of an invoice is its subscription's plan at the end of the invoice's day (its first
-- known plan if it changed only later); "one-off" without a subscription, "unknown" before any change of it arrived.
CREATE VIEW analytics_v_invoices_daily WITH (security_barrier) AS
  SELECT i.tenant_id, i.bucket AS day, i.subscription_id, coalesce(p.plan, CASE WHEN i.subscription_id = '' THEN 'one-off' ELSE 'unknown' END) AS plan,
         i.currency, i.paid, i.paid_amount, i.failed, i.failed_amount
    FROM invoice_rollups_daily i
    LEFT JOIN LATERAL (
      SELECT c.plan FROM subscription_changes c
       WHERE c.tenant_id = i.tenant_id AND c.subscription_id = i.subscription_id
       ORDER BY (c.occurred_at < i.bucket + interval '1 day') DESC,
                CASE WHEN c.occurred_at < i.bucket + interval '1 day' THEN c.occurred_at END DESC NULLS LAST, c.occurred_at, c.message_id DESC
       LIMIT 1
    ) p ON true;
--> statement-breakpoint
-- Each subscription as of its latest change, with its price per month.
CREATE VIEW analytics_v_subscriptions WITH (security_barrier) AS
  SELECT DISTINCT ON (tenant_id, subscription_id)
         tenant_id, subscription_id, plan, status, amount, currency, interval,
         CASE interval WHEN 'year' THEN amount / 12.0 ELSE amount END AS monthly_amount,
         status IN ('active', 'trialing', 'past_due') AS recurring,
         occurred_at AS changed_at
    FROM subscription_changes
   ORDER BY tenant_id, subscription_id, occurred_at DESC, message_id DESC;
--> statement-breakpoint
CREATE VIEW analytics_v_mrr WITH (security_barrier) AS
  SELECT tenant_id, currency, round(sum(monthly_amount))::bigint AS mrr
    FROM analytics_v_subscriptions WHERE recurring GROUP BY tenant_id, currency;
--> statement-breakpoint
CREATE VIEW analytics_v_backups_daily WITH (security_barrier) AS
  SELECT nullif(tenant_id, '_platform') AS tenant_id, bucket AS day, database, completed, failed, last_completed_at, last_failed_at
    FROM backup_rollups_daily;
--> statement-breakpoint
-- The reader reads the views only: the tables' default grant (0000_privileges) is withdrawn, and the
-- views, which see every tenant, are withdrawn from the application role.
DO $$
DECLARE
  app_role text := regexp_replace(current_user, '_owner$', '_app');
  reader_role text := regexp_replace(current_user, '_owner$', '_reader');
  relation text;
BEGIN
  FOREACH relation IN ARRAY ARRAY['analytics_v_records_daily', 'analytics_v_records_hourly', 'analytics_v_labels_daily', 'analytics_v_detectors_daily',
                                  'analytics_v_model_versions_daily', 'analytics_v_invoices_daily', 'analytics_v_subscriptions', 'analytics_v_mrr',
                                  'analytics_v_backups_daily'] LOOP
    EXECUTE format('REVOKE ALL ON %I FROM %I', relation, app_role);
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = reader_role) THEN
      EXECUTE format('GRANT SELECT ON %I TO %I', relation, reader_role);
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = reader_role) THEN
    FOREACH relation IN ARRAY ARRAY['record_rollups_hourly', 'record_rollups_daily', 'record_dimension_rollups_hourly', 'record_dimension_rollups_daily',
                                    'invoice_rollups_hourly', 'invoice_rollups_daily', 'subscription_changes', 'backup_rollups_daily'] LOOP
      EXECUTE format('REVOKE ALL ON %I FROM %I', relation, reader_role);
    END LOOP;
  END IF;
END
$$;
