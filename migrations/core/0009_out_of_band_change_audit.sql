-- Changes made around the service: an audit.event.v1 in the outbox for every change to tenants,
-- tenant configs, API keys, data keys and every record deletion that did not come from the
-- service's own role (a DBA in psql, a superuser, the owner during a migration). The service
-- audits its own changes itself, so core_app's are skipped here rather than recorded twice.
--
-- Statement-level triggers with transition tables: one statement writes one event per tenant it
-- touched, carrying the row count and a bounded sample of ids, however many rows it changed.
-- Only identifiers and column names are copied, never values (secret hashes, wrapped keys and
-- ciphertexts stay in their tables).
--
-- The function is SECURITY DEFINER (the owner writes the outbox, whatever the acting role may do)
-- with a fixed search_path, and nobody may call it: it runs only as a trigger. Inside it
-- current_user is always the owner, so the acting role comes from the `role` setting (what SET
-- ROLE chose, 'none' when it was not used) or else the session user.
CREATE FUNCTION core_audit_out_of_band_change() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  DECLARE
    acting_role text := coalesce(nullif(current_setting('role'), 'none'), session_user);
    resource_type text := TG_ARGV[0];
    id_column text := TG_ARGV[1];
    tenant_column text := TG_ARGV[2];
    correlation text := nullif(current_setting('core.out_of_band_correlation_id', true), '');
    context jsonb;
    actor jsonb := jsonb_build_object('type', 'user', 'id', session_user::text);
    event_source jsonb := jsonb_strip_nulls(jsonb_build_object('service', 'core-database', 'ip', host(inet_client_addr())));
    occurred text := to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
    changes text;
  BEGIN
    IF acting_role = 'core_app' THEN
      RETURN NULL;
    END IF;
    -- Every event of one transaction shares a correlation id.
    IF correlation IS NULL THEN
      correlation := gen_random_uuid()::text;
      PERFORM set_config('core.out_of_band_correlation_id', correlation, true);
    END IF;
    context := jsonb_strip_nulls(jsonb_build_object(
      'path', 'database',
      'role', acting_role,
      'sessionUser', session_user::text,
      'application', current_setting('application_name'),
      'clientAddr', host(inet_client_addr()),
      'txid', txid_current(),
      'table', TG_TABLE_NAME));

    IF TG_OP = 'TRUNCATE' THEN
      -- No transition table: which tenants and how many rows is unknown, so it is a platform event.
      INSERT INTO messaging_outbox (id, topic, subject, body, correlation_id, tenant_id, traceparent)
      VALUES (gen_random_uuid(), 'audit-events', 'audit.event.v1',
        jsonb_build_object(
          'actor', actor,
          'action', resource_type || '.truncate',
          'resource', jsonb_build_object('type', resource_type),
          'outcome', 'success',
          'correlationId', correlation,
          'occurredAt', occurred,
          'source', event_source,
          'details', context),
        correlation, NULL, core_new_traceparent());
      RETURN NULL;
    END IF;

    -- One row per changed row: its id, its tenant and (updates) the names of the columns that changed.
    IF TG_OP = 'UPDATE' THEN
      changes := format(
        'SELECT coalesce(n.j ->> %1$L, o.j ->> %1$L) AS id, coalesce(n.j ->> %2$L, o.j ->> %2$L) AS tenant_id,
           CASE WHEN o.j IS NULL OR n.j IS NULL THEN ARRAY[%1$L, %2$L]
                ELSE ARRAY(SELECT e.key FROM jsonb_each(n.j) e WHERE o.j -> e.key IS DISTINCT FROM e.value) END AS changed
         FROM (SELECT to_jsonb(r) AS j FROM old_rows r) o
         FULL JOIN (SELECT to_jsonb(r) AS j FROM new_rows r) n
           ON o.j ->> %1$L = n.j ->> %1$L AND o.j ->> %2$L = n.j ->> %2$L',
        id_column, tenant_column);
    ELSE
      changes := format('SELECT %I::text AS id, %I::text AS tenant_id, NULL::text[] AS changed FROM %I',
        id_column, tenant_column, CASE TG_OP WHEN 'INSERT' THEN 'new_rows' ELSE 'old_rows' END);
    END IF;

    EXECUTE format(
      $query$
      WITH changes AS (%s),
      ranked AS (
        SELECT tenant_id, left(id, 100) AS id, changed,
               row_number() OVER w AS rank_in_tenant,
               sum(octet_length(left(id, 100)) + 3) OVER w AS bytes
        FROM changes
        WINDOW w AS (PARTITION BY tenant_id ORDER BY id ROWS UNBOUNDED PRECEDING)
      ),
      per_tenant AS (
        SELECT tenant_id, count(*) AS row_count,
               min(id) AS first_id,
               jsonb_agg(id ORDER BY id) FILTER (WHERE rank_in_tenant <= 100 AND bytes <= 8000) AS sample_ids
        FROM ranked GROUP BY tenant_id
      ),
      changed_columns AS (
        SELECT tenant_id, jsonb_agg(DISTINCT column_name ORDER BY column_name) AS names
        FROM changes, unnest(changed) AS column_name GROUP BY tenant_id
      ),
      events AS (
        SELECT p.tenant_id,
               p.tenant_id ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' AND length(p.tenant_id) <= 128 AS tenant_is_valid,
               p.row_count, p.first_id, p.sample_ids,
               coalesce(c.names, '[]'::jsonb) AS changed_names
        FROM per_tenant p LEFT JOIN changed_columns c USING (tenant_id)
      )
      INSERT INTO messaging_outbox (id, topic, subject, body, correlation_id, tenant_id, traceparent)
      SELECT gen_random_uuid(), 'audit-events', 'audit.event.v1',
        jsonb_build_object(
          'actor', $1,
          'action', $2,
          'resource', CASE WHEN row_count = 1 THEN jsonb_build_object('type', $3, 'id', first_id)
                           ELSE jsonb_build_object('type', $3) END,
          'outcome', 'success',
          'correlationId', $4,
          'occurredAt', $5,
          'source', $6,
          'details', $7
            || jsonb_build_object('count', row_count, 'sampleIds', sample_ids)
            || CASE WHEN $8 THEN jsonb_build_object('changedColumns', changed_names) ELSE '{}'::jsonb END
            -- A tenant id the contract would refuse (only a hand-made row can have one) stays in details.
            || CASE WHEN tenant_is_valid THEN '{}'::jsonb ELSE jsonb_build_object('tenantId', left(tenant_id, 100)) END)
        || CASE WHEN tenant_is_valid THEN jsonb_build_object('tenantId', tenant_id) ELSE '{}'::jsonb END,
        $4, CASE WHEN tenant_is_valid THEN tenant_id END, core_new_traceparent()
      FROM events
      $query$, changes)
    USING actor, resource_type || '.' || lower(TG_OP), resource_type, correlation, occurred, event_source, context,
      TG_OP = 'UPDATE';
    RETURN NULL;
  END
  $$;
--> statement-breakpoint
-- A W3C traceparent starting a new trace, as the service gives an event without a parent.
CREATE FUNCTION core_new_traceparent() RETURNS text
  LANGUAGE sql VOLATILE SET search_path = public, pg_temp
  AS $$ SELECT '00-' || replace(gen_random_uuid()::text, '-', '') || '-' || left(replace(gen_random_uuid()::text, '-', ''), 16) || '-01' $$;
--> statement-breakpoint

-- One trigger per operation (a trigger with transition tables handles one), plus TRUNCATE. Arguments:
-- the resource type of the events, the column that identifies a row, the column naming its tenant.
-- ENABLE ALWAYS: they fire even with session_replication_role = replica, which would silence ordinary triggers.
DO $$
DECLARE
  audited record;
BEGIN
  FOR audited IN
    SELECT * FROM (VALUES
      ('tenants', 'tenant', 'id', 'id'),
      ('tenant_configs', 'tenant_config', 'tenant_id', 'tenant_id'),
      ('api_keys', 'api_key', 'id', 'tenant_id'),
      ('tenant_data_keys', 'data_key', 'key_id', 'tenant_id')
    ) AS t (table_name, resource_type, id_column, tenant_column)
  LOOP
    EXECUTE format(
      'CREATE TRIGGER out_of_band_audit_insert AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION core_audit_out_of_band_change(%L, %L, %L)',
      audited.table_name, audited.resource_type, audited.id_column, audited.tenant_column);
    EXECUTE format(
      'CREATE TRIGGER out_of_band_audit_update AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION core_audit_out_of_band_change(%L, %L, %L)',
      audited.table_name, audited.resource_type, audited.id_column, audited.tenant_column);
    EXECUTE format(
      'CREATE TRIGGER out_of_band_audit_delete AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
         FOR EACH STATEMENT EXECUTE FUNCTION core_audit_out_of_band_change(%L, %L, %L)',
      audited.table_name, audited.resource_type, audited.id_column, audited.tenant_column);
    EXECUTE format(
      'CREATE TRIGGER out_of_band_audit_truncate AFTER TRUNCATE ON %I
         FOR EACH STATEMENT EXECUTE FUNCTION core_audit_out_of_band_change(%L)',
      audited.table_name, audited.resource_type);
    EXECUTE format(
      'ALTER TABLE %I ENABLE ALWAYS TRIGGER out_of_band_audit_insert, ENABLE ALWAYS TRIGGER out_of_band_audit_update,
         ENABLE ALWAYS TRIGGER out_of_band_audit_delete, ENABLE ALWAYS TRIGGER out_of_band_audit_truncate',
      audited.table_name);
  END LOOP;
END
$$;
--> statement-breakpoint

-- Record deletions. A statement trigger fires only for the table a statement names, so the parent
-- gets one for DELETE FROM storage_records and each partition one for a DELETE that names it;
-- TRUNCATE of the parent fires each partition's, so only partitions have that one.
CREATE TRIGGER out_of_band_audit_delete AFTER DELETE ON storage_records REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION core_audit_out_of_band_change('record', 'id', 'tenant_id');
--> statement-breakpoint
ALTER TABLE storage_records ENABLE ALWAYS TRIGGER out_of_band_audit_delete;
--> statement-breakpoint
CREATE FUNCTION core_audit_record_partition(partition_name text) RETURNS void
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  BEGIN
    EXECUTE format(
      'CREATE TRIGGER out_of_band_audit_delete AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
         FOR EACH STATEMENT EXECUTE FUNCTION core_audit_out_of_band_change(''record'', ''id'', ''tenant_id'')',
      partition_name);
    EXECUTE format(
      'CREATE TRIGGER out_of_band_audit_truncate AFTER TRUNCATE ON %I
         FOR EACH STATEMENT EXECUTE FUNCTION core_audit_out_of_band_change(''record'')',
      partition_name);
    EXECUTE format(
      'ALTER TABLE %I ENABLE ALWAYS TRIGGER out_of_band_audit_delete, ENABLE ALWAYS TRIGGER out_of_band_audit_truncate',
      partition_name);
  END
  $$;
--> statement-breakpoint
SELECT core_audit_record_partition(c.relname)
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'storage_records'::regclass;
--> statement-breakpoint
-- As in 0005, and every new partition gets its triggers.
CREATE OR REPLACE FUNCTION core_ensure_storage_partitions(first_month date, months integer) RETURNS SETOF text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  DECLARE
    month_start date;
    partition_name text;
  BEGIN
    FOR i IN 0 .. months - 1 LOOP
      month_start := (date_trunc('month', first_month) + make_interval(months => i))::date;
      partition_name := 'storage_records_p' || to_char(month_start, 'YYYYMM');
      IF to_regclass(partition_name) IS NULL THEN
        EXECUTE format(
          'CREATE TABLE %I PARTITION OF storage_records FOR VALUES FROM (%L) TO (%L)',
          partition_name, month_start::timestamp AT TIME ZONE 'UTC',
          (month_start + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        EXECUTE format('REVOKE ALL ON %I FROM PUBLIC, core_app', partition_name);
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', partition_name);
        PERFORM core_audit_record_partition(partition_name);
        RETURN NEXT partition_name;
      END IF;
    END LOOP;
  END
  $$;
--> statement-breakpoint
-- Default privileges (0000) would let core_app execute these; only triggers and the owner's own functions call them.
REVOKE EXECUTE ON FUNCTION core_audit_out_of_band_change(), core_new_traceparent(), core_audit_record_partition(text)
  FROM PUBLIC, core_app;
