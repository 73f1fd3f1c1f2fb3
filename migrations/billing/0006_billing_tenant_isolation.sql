-- Row-level security for every tenant-owned table of 0005: fail closed, exactly like core's.
-- Platform-wide tables (plans, promotional_codes, stripe_events) have no tenant and no policy.
DO $$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY[
    'tenant_accounts', 'customers', 'subscriptions', 'invoices', 'payments', 'payment_methods',
    'usage_records', 'usage_notices', 'meter_reports', 'dunning_steps', 'promotional_code_redemptions',
    'engagements', 'training_sessions', 'sla_commitments', 'sla_measurements'
  ] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I
         USING (tenant_id = current_setting(''app.tenant_id'', true))
         WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))',
      table_name);
  END LOOP;
END
$$;
--> statement-breakpoint

-- The owner (and so the SECURITY DEFINER functions below, which run as it) may read across
-- tenants; the application role never can.
CREATE POLICY owner_lookup ON customers FOR SELECT TO billing_owner USING (true);
--> statement-breakpoint
CREATE POLICY owner_lookup ON tenant_accounts FOR SELECT TO billing_owner USING (true);
--> statement-breakpoint
CREATE POLICY owner_lookup ON meter_reports FOR SELECT TO billing_owner USING (true);
--> statement-breakpoint
CREATE POLICY owner_lookup ON dunning_steps FOR SELECT TO billing_owner USING (true);
--> statement-breakpoint

-- A Stripe event names a customer, not a tenant: which tenant it belongs to, before any tenant context.
CREATE FUNCTION billing_tenant_of_customer(customer_id text) RETURNS text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT tenant_id FROM customers WHERE stripe_customer_id = customer_id $$;
--> statement-breakpoint

-- Every tenant billing knows, for work that visits tenants one by one.
CREATE FUNCTION billing_tenant_ids() RETURNS SETOF text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT tenant_id FROM tenant_accounts ORDER BY tenant_id $$;
--> statement-breakpoint

-- Tenants with work due at `due_by`: meter reports to send to Stripe, dunning steps to take.
CREATE FUNCTION billing_tenants_with_due_work(due_by timestamptz) RETURNS SETOF text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT tenant_id FROM meter_reports WHERE status = 'pending' AND available_at <= due_by
    UNION
    SELECT tenant_id FROM dunning_steps WHERE done_at IS NULL AND cancelled_at IS NULL AND due_at <= due_by
    ORDER BY 1
  $$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION billing_tenant_of_customer(text), billing_tenant_ids(), billing_tenants_with_due_work(timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION billing_tenant_of_customer(text), billing_tenant_ids(), billing_tenants_with_due_work(timestamptz) TO billing_app;
--> statement-breakpoint

-- The free tier every new tenant starts on (1,000 records a month, no overage) and two paid plans.
-- Their Stripe price ids are placeholders for local use; operators set the real ones (PATCH /admin/plans/:code).
INSERT INTO plans (code, name, is_free, stripe_price_id, price_minor, currency, interval, included_records, overage_price_minor_per_1000, features) VALUES
  ('free', 'Free', true, NULL, 0, 'usd', 'month', 1000, NULL, '{"retentionDaysMax": 30, "apiKeysMax": 2}'),
  ('starter', 'Starter', false, 'price_starter_monthly', 4900, 'usd', 'month', 50000, 200, '{"retentionDaysMax": 365, "apiKeysMax": 10}'),
  ('pro', 'Pro', false, 'price_pro_monthly', 49900, 'usd', 'month', 1000000, 100, '{"retentionDaysMax": 2555, "apiKeysMax": 50}');
