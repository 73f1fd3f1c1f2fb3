-- The catalog is the record of what was backed up and proven restorable: backup_app adds runs and
-- drill results and moves a run along its states, but never deletes either (retention marks runs
-- `expired`; the rows stay as evidence). No row-level security: no row belongs to a tenant, and
-- only the operator API reads the catalog.
REVOKE DELETE, TRUNCATE ON backup_runs, backup_verifications FROM backup_app;
--> statement-breakpoint
REVOKE UPDATE ON backup_verifications FROM backup_app;
--> statement-breakpoint
-- A finished run keeps what it recorded: only completed → expired may follow, and a run never
-- returns to `running`. The blob, checksum and manifest of a completed run never change.
CREATE FUNCTION backup_runs_guard_transition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status = 'running' THEN
    IF NEW.status NOT IN ('running', 'completed', 'failed') THEN
      RAISE EXCEPTION 'backup run %: % cannot become %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.status = 'completed' AND NEW.status = 'expired'
     AND (NEW.id, NEW.database, NEW.trigger, NEW.started_at, NEW.completed_at, NEW.snapshot_at, NEW.covers_transactions_before,
          NEW.blob_container, NEW.blob_name, NEW.size_bytes, NEW.checksum, NEW.manifest, NEW.host)
         IS NOT DISTINCT FROM
         (OLD.id, OLD.database, OLD.trigger, OLD.started_at, OLD.completed_at, OLD.snapshot_at, OLD.covers_transactions_before,
          OLD.blob_container, OLD.blob_name, OLD.size_bytes, OLD.checksum, OLD.manifest, OLD.host) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'backup run % is % and keeps what it recorded', OLD.id, OLD.status USING ERRCODE = 'check_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER backup_runs_guard_transition BEFORE UPDATE ON backup_runs FOR EACH ROW EXECUTE FUNCTION backup_runs_guard_transition();
