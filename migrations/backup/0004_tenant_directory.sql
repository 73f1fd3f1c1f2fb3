-- Replica of core-store's tenants and API keys, fed by tenant-events (libs/tenant-directory; generated: npm run docs:generate).
CREATE TABLE directory_tenants (
  tenant_id text PRIMARY KEY,
  name text,
  plan text,
  status text NOT NULL CONSTRAINT directory_tenants_status_check CHECK (status IN ('active', 'suspended', 'erased')),
  retention_days integer,
  version bigint NOT NULL,
  changed_at timestamptz NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  -- An erased tenant is a tombstone: its status and version, nothing it was called.
  CONSTRAINT directory_tenants_state_check CHECK (status = 'erased' OR (name IS NOT NULL AND plan IS NOT NULL AND retention_days IS NOT NULL))
);
--> statement-breakpoint
-- No foreign key to directory_tenants: a key may arrive before its tenant, and is kept.
CREATE TABLE directory_api_keys (
  key_id uuid PRIMARY KEY,
  tenant_id text NOT NULL,
  prefix text NOT NULL CONSTRAINT directory_api_keys_prefix_unique UNIQUE,
  secret_hash text NOT NULL,
  scopes text[] NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz,
  version bigint NOT NULL
);
--> statement-breakpoint
-- What erasure deletes by.
CREATE INDEX directory_api_keys_tenant_idx ON directory_api_keys (tenant_id);
--> statement-breakpoint
-- Fail closed like every tenant table: no tenant context, no rows. The owner (and so the definer
-- function below, which runs as it) may read across tenants; the application role never can.
DO $$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY['directory_tenants', 'directory_api_keys'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I
         USING (tenant_id = current_setting(''app.tenant_id'', true))
         WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))',
      table_name);
    EXECUTE format('CREATE POLICY owner_lookup ON %I FOR SELECT TO %I USING (true)', table_name, current_user);
  END LOOP;
END
$$;
--> statement-breakpoint
-- Authentication happens before the tenant is known: the public key prefix finds one key and the
-- status of its tenant, null while this replica has not heard of the tenant.
CREATE FUNCTION directory_api_key_by_prefix(key_prefix text)
  RETURNS TABLE (key_id uuid, tenant_id text, secret_hash text, scopes text[], revoked_at timestamptz, tenant_status text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT k.key_id, k.tenant_id, k.secret_hash, k.scopes, k.revoked_at, t.status
    FROM directory_api_keys k LEFT JOIN directory_tenants t ON t.tenant_id = k.tenant_id
    WHERE k.prefix = key_prefix
  $$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION directory_api_key_by_prefix(text) FROM PUBLIC;
--> statement-breakpoint
DO $$
DECLARE
  app_role text := regexp_replace(current_user, '_owner$', '_app');
BEGIN
  IF app_role = current_user THEN
    RAISE EXCEPTION 'tenant_directory must run as the database owner role (<database>_owner), not %', current_user;
  END IF;
  EXECUTE format('GRANT EXECUTE ON FUNCTION directory_api_key_by_prefix(text) TO %I', app_role);
END
$$;
