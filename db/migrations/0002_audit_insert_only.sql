-- The audit log is insert-only: an UPDATE, DELETE or TRUNCATE is refused by the database
-- itself, whatever the application does. The hash chain (lib/audit) shows any tampering
-- done around this, e.g. by a superuser disabling the trigger.
CREATE OR REPLACE FUNCTION payops_audit_log_insert_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is insert-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION payops_audit_log_insert_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION payops_audit_log_insert_only();
