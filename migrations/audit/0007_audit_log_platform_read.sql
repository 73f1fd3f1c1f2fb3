-- The platform log becomes readable to the application, in the platform context only, so the
-- admin API can list, verify and prove it as it does a tenant's log. 0006 left reading it to the
-- owner. A SELECT policy widens nothing else: tenants still see only rows whose tenant_id is their
-- context (tenant_id is never 'platform': the check constraints of 0005), audit_app still has no
-- UPDATE, DELETE or TRUNCATE privilege on audit_log, and the append-only triggers still apply.
CREATE POLICY platform_read ON audit_log FOR SELECT TO audit_app
  USING (tenant_id IS NULL AND log_id = 'platform' AND current_setting('app.tenant_id', true) = 'platform');
