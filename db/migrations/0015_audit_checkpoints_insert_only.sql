-- Checkpoints of the audit log are insert-only too, by the same kind of trigger as the log itself
-- (0002); the application's role is also granted only SELECT and INSERT on both (db/roles.ts).
CREATE OR REPLACE FUNCTION payops_insert_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is insert-only (% refused)', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION payops_insert_only();
--> statement-breakpoint
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION payops_insert_only();
--> statement-breakpoint
-- From here on every row is keyed: an instance still running the old code (a rolling deploy)
-- has its unkeyed append refused, rather than writing a row the keyed chain would call forged.
DO $$
BEGIN
  EXECUTE format('ALTER TABLE audit_log ADD CONSTRAINT audit_log_keyed_from_here CHECK (mac IS NOT NULL OR id <= %s)',
                 (SELECT coalesce(max(id), 0) FROM audit_log));
END;
$$;
--> statement-breakpoint
-- The append's lock and the head it chains to, in one round trip (lib/audit/record.ts). The head
-- must be read after the lock is granted: a statement's snapshot is taken when it starts, so a
-- lock taken inside the statement that reads the head would read the head from before the wait
-- and fork the chain. A volatile PL/pgSQL function takes a fresh snapshot for each statement.
-- For the last unkeyed row, its number is its position: the count of rows (all unkeyed then).
CREATE OR REPLACE FUNCTION payops_audit_lock_head()
RETURNS TABLE (head_id bigint, head_seq bigint, head_chain text, head_action text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('payops.audit_log'));
  RETURN QUERY
    SELECT a.id, coalesce(a.seq, (SELECT count(*) FROM audit_log)), coalesce(a.mac, a.hash), a.action
      FROM audit_log a
     ORDER BY a.id DESC
     LIMIT 1;
END;
$$;
