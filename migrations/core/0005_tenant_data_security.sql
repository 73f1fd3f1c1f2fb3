-- Row-level security for every table of 0004, the few cross-tenant lookups the service needs
-- (each a SECURITY DEFINER function that returns only what its caller needs), monthly partition
-- maintenance of storage_records, and the global reference data.

-- Tenant-owned tables: fail closed, exactly like tenants and the former storage_records (0002).
DO $$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY['tenant_configs', 'tenant_usage', 'storage_records', 'storage_record_keys', 'tenant_data_keys', 'api_keys'] LOOP
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
CREATE POLICY owner_directory ON tenants FOR SELECT TO core_owner USING (true);
--> statement-breakpoint
CREATE POLICY owner_lookup ON api_keys FOR SELECT TO core_owner USING (true);
--> statement-breakpoint
CREATE POLICY owner_lookup ON tenant_data_keys FOR SELECT TO core_owner USING (true);
--> statement-breakpoint

-- Tenants a scheduled job works through, one tenant transaction at a time.
CREATE FUNCTION core_tenant_ids(statuses text[]) RETURNS SETOF text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT id FROM tenants WHERE status = ANY (statuses) ORDER BY id $$;
--> statement-breakpoint
-- Authentication happens before the tenant is known: the public key prefix finds one key.
CREATE FUNCTION core_api_key_by_prefix(key_prefix text)
  RETURNS TABLE (id uuid, tenant_id text, secret_hash text, scopes text[], revoked_at timestamptz, tenant_status text)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
    SELECT k.id, k.tenant_id, k.secret_hash, k.scopes, k.revoked_at, t.status
    FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
    WHERE k.prefix = key_prefix
  $$;
--> statement-breakpoint
-- Re-wrapping after a key-encryption-key rotation visits every tenant that has data keys.
CREATE FUNCTION core_data_key_tenant_ids() RETURNS SETOF text
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
  AS $$ SELECT DISTINCT tenant_id FROM tenant_data_keys ORDER BY tenant_id $$;
--> statement-breakpoint

-- Monthly partitions storage_records_pYYYYMM. Partitions are reachable only through the parent
-- (whose policies apply): the application role gets no privileges on them, and RLS on each one
-- denies anyone else who would query it directly.
CREATE FUNCTION core_ensure_storage_partitions(first_month date, months integer) RETURNS SETOF text
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
        RETURN NEXT partition_name;
      END IF;
    END LOOP;
  END
  $$;
--> statement-breakpoint
-- Retention deletes rows one tenant at a time (each deletion is an event); a month whose
-- partition it has emptied is then dropped whole, which gives the space back at once.
CREATE FUNCTION core_drop_empty_storage_partitions(older_than date) RETURNS SETOF text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
  AS $$
  DECLARE
    partition_name text;
    is_empty boolean;
  BEGIN
    FOR partition_name IN
      SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'storage_records'::regclass AND c.relname ~ '^storage_records_p[0-9]{6}$'
      ORDER BY c.relname
    LOOP
      CONTINUE WHEN (to_date(right(partition_name, 6), 'YYYYMM') + interval '1 month')::date > older_than;
      -- The owner bypasses the partition's own (unforced) RLS, so this sees every tenant's rows.
      EXECUTE format('SELECT NOT EXISTS (SELECT 1 FROM %I)', partition_name) INTO is_empty;
      IF is_empty THEN
        EXECUTE format('DROP TABLE %I', partition_name);
        RETURN NEXT partition_name;
      END IF;
    END LOOP;
  END
  $$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION core_tenant_ids(text[]), core_api_key_by_prefix(text), core_data_key_tenant_ids(),
  core_ensure_storage_partitions(date, integer), core_drop_empty_storage_partitions(date) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION core_tenant_ids(text[]), core_api_key_by_prefix(text), core_data_key_tenant_ids(),
  core_ensure_storage_partitions(date, integer), core_drop_empty_storage_partitions(date) TO core_app;
--> statement-breakpoint
-- The previous month (late arrivals of a replica with a skewed clock) through three months ahead;
-- core-store extends this on start and daily.
SELECT core_ensure_storage_partitions((date_trunc('month', now() AT TIME ZONE 'UTC') - interval '1 month')::date, 5);
--> statement-breakpoint

-- Global reference data, seeded before its policies exist (the owner is bound by them too).
INSERT INTO taxonomy_labels (label, parent_label, description, aliases) VALUES
  ('PII', NULL, 'Personally identifiable information', '{}'),
  ('PII.Identifier', 'PII', 'Government or account identifiers of a person', '{}'),
  ('PII.Identifier.SSN', 'PII.Identifier', 'US Social Security number', '{US_SSN,SSN}'),
  ('PII.Identifier.Passport', 'PII.Identifier', 'Passport number', '{US_PASSPORT,PASSPORT}'),
  ('PII.Identifier.DriverLicense', 'PII.Identifier', 'Driver licence number', '{US_DRIVER_LICENSE}'),
  ('PII.Identifier.NationalId', 'PII.Identifier', 'National identity number other than the SSN', '{NATIONAL_ID}'),
  ('PII.Contact', 'PII', 'Ways to reach a person', '{}'),
  ('PII.Contact.Email', 'PII.Contact', 'Email address', '{EMAIL_ADDRESS,EMAIL}'),
  ('PII.Contact.Phone', 'PII.Contact', 'Telephone number', '{PHONE_NUMBER,PHONE}'),
  ('PII.Contact.Address', 'PII.Contact', 'Postal address', '{LOCATION,ADDRESS}'),
  ('PII.Person', 'PII', 'Attributes of a person', '{}'),
  ('PII.Person.Name', 'PII.Person', 'Full or partial name of a person', '{PERSON,NAME}'),
  ('PII.Person.DateOfBirth', 'PII.Person', 'Date of birth', '{DATE_OF_BIRTH,DOB}'),
  ('PII.Network.IPAddress', 'PII', 'IP address tied to a person', '{IP_ADDRESS}'),
  ('PCI', NULL, 'Payment card industry data', '{}'),
  ('PCI.Card', 'PCI', 'Payment card data', '{}'),
  ('PCI.Card.Number', 'PCI.Card', 'Primary account number (PAN)', '{CREDIT_CARD,PAN}'),
  ('PCI.Card.CVV', 'PCI.Card', 'Card verification value', '{CVV}'),
  ('PCI.Bank.IBAN', 'PCI', 'International bank account number', '{IBAN_CODE,IBAN}'),
  ('PHI', NULL, 'Protected health information', '{}'),
  ('PHI.MedicalRecordNumber', 'PHI', 'Medical record number', '{MRN,MEDICAL_RECORD_NUMBER}'),
  ('PHI.Diagnosis', 'PHI', 'Diagnosis or condition of a person', '{MEDICAL_CONDITION}'),
  ('PHI.Medication', 'PHI', 'Medication or prescription of a person', '{MEDICATION}'),
  ('SECRETS', NULL, 'Credentials and secrets', '{}'),
  ('SECRETS.Credential', 'SECRETS', 'Credentials of a system or person', '{}'),
  ('SECRETS.Credential.Password', 'SECRETS.Credential', 'Password', '{PASSWORD}'),
  ('SECRETS.Credential.ApiKey', 'SECRETS.Credential', 'API key or access token', '{API_KEY,ACCESS_TOKEN}'),
  ('SECRETS.Credential.PrivateKey', 'SECRETS.Credential', 'Private cryptographic key', '{PRIVATE_KEY}'),
  ('SECURITY', NULL, 'Attacks on an AI system', '{}'),
  ('SECURITY.PromptInjection', 'SECURITY', 'Prompt injection attempt', '{PROMPT_INJECTION}'),
  ('SECURITY.Jailbreak', 'SECURITY', 'Jailbreak attempt', '{JAILBREAK}'),
  ('HARM', NULL, 'Harmful content', '{}'),
  ('HARM.Toxicity', 'HARM', 'Toxic or abusive language', '{TOXICITY}'),
  ('HARM.SelfHarm', 'HARM', 'Self-harm content', '{SELF_HARM}');
--> statement-breakpoint
INSERT INTO compliance_mappings (taxonomy_label, framework, control_id, description) VALUES
  ('PII', 'SOC2', 'CC6.1', 'Logical access security over information assets'),
  ('PII', 'SOC2', 'P4.1', 'Personal information is used and retained for its stated purpose'),
  ('PII', 'ISO27001', 'A.5.34', 'Privacy and protection of personally identifiable information'),
  ('PII', 'ISO27001', 'A.8.11', 'Data masking'),
  ('PII', 'GDPR', 'Art.32', 'Security of processing'),
  ('PII.Identifier', 'GDPR', 'Art.87', 'Processing of national identification numbers'),
  ('PCI.Card', 'PCI-DSS', '3.4', 'Render the primary account number unreadable wherever it is stored'),
  ('PCI', 'SOC2', 'CC6.1', 'Logical access security over information assets'),
  ('PCI', 'ISO27001', 'A.8.12', 'Data leakage prevention'),
  ('PHI', 'HIPAA', '164.312(a)(1)', 'Access control to electronic protected health information'),
  ('PHI', 'HIPAA', '164.312(e)(1)', 'Transmission security'),
  ('PHI', 'HIPAA', '164.514(b)', 'De-identification of protected health information'),
  ('PHI', 'GDPR', 'Art.9', 'Processing of special categories of personal data'),
  ('PHI', 'ISO27001', 'A.5.34', 'Privacy and protection of personally identifiable information'),
  ('SECRETS', 'SOC2', 'CC6.1', 'Logical access security over information assets'),
  ('SECRETS', 'ISO27001', 'A.5.17', 'Authentication information'),
  ('SECRETS', 'ISO27001', 'A.8.12', 'Data leakage prevention'),
  ('SECURITY', 'SOC2', 'CC7.2', 'Monitoring of system components for anomalies and attacks'),
  ('SECURITY', 'ISO27001', 'A.8.16', 'Monitoring activities'),
  ('HARM', 'SOC2', 'CC7.3', 'Evaluation of security events');
--> statement-breakpoint
INSERT INTO detector_configs (detector_name, detector_type, min_confidence, settings) VALUES
  ('presidio', 'pii', 0.5, '{"languages":["en"]}'),
  ('deberta-toxicity', 'toxicity', 0.7, '{}'),
  ('gitleaks', 'secrets', 0.0, '{}'),
  ('llama-guard', 'security', 0.6, '{}');
--> statement-breakpoint
INSERT INTO model_versions (version, status, description, released_at) VALUES
  ('mapper-2026.11', 'active', 'Current mapping model', '2026-11-01T00:00:00Z');
--> statement-breakpoint

-- Reference tables: everyone reads the global rows and their own; a tenant writes only its own.
DO $$
DECLARE
  table_name text;
BEGIN
  FOREACH table_name IN ARRAY ARRAY['taxonomy_labels', 'compliance_mappings', 'detector_configs', 'model_versions'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', table_name);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', table_name);
    EXECUTE format(
      'CREATE POLICY reference_read ON %I FOR SELECT
         USING (tenant_id IS NULL OR tenant_id = current_setting(''app.tenant_id'', true))',
      table_name);
    EXECUTE format(
      'CREATE POLICY reference_insert ON %I FOR INSERT WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))',
      table_name);
    EXECUTE format(
      'CREATE POLICY reference_update ON %I FOR UPDATE
         USING (tenant_id = current_setting(''app.tenant_id'', true))
         WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))',
      table_name);
    EXECUTE format(
      'CREATE POLICY reference_delete ON %I FOR DELETE USING (tenant_id = current_setting(''app.tenant_id'', true))',
      table_name);
  END LOOP;
END
$$;
