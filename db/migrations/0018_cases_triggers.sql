-- Cases (lib/cases): the system's transitions are written here, by triggers in the writer's own
-- transaction, so every writer of a flag (the webhooks' single ingest statement, verification, the
-- sweeper, another instance) opens its case without code of its own and none is opened for a change
-- that is rolled back. A person's transitions are lib/cases/machine.ts. The transitions these
-- triggers make are listed there too (SYSTEM_TRANSITIONS); the cases-audit job writes their audit rows.

-- The flag kinds that become cases: lib/cases/kinds.ts CASE_KINDS (a unit test keeps them equal).
CREATE OR REPLACE FUNCTION payops_case_kinds() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['status_conflict', 'provider_mismatch', 'amount_mismatch', 'amount_changed', 'card_number_scrubbed',
               'notify_missing', 'stuck', 'unknown_status', 'unauthenticated']::text[]
$$;
--> statement-breakpoint
-- Reopens the resolved cases of these kinds on a payment: new evidence contradicts the resolution.
CREATE OR REPLACE FUNCTION payops_cases_reopen(payment bigint, kinds text[], why jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  c record;
BEGIN
  FOR c IN
    UPDATE cases SET state = 'reopened', assignee_id = NULL, resolution = NULL, resolution_note = NULL, resolved_by = NULL,
                     resolved_at = NULL, version = version + 1, reopen_count = reopen_count + 1, updated_at = now()
     WHERE subject_type = 'payment' AND subject_id = payment AND kind = ANY (kinds) AND state = 'resolved'
    RETURNING id
  LOOP
    INSERT INTO case_events (case_id, action, from_state, to_state, actor, detail) VALUES (c.id, 'reopened', 'resolved', 'reopened', 'system', why);
  END LOOP;
END;
$$;
--> statement-breakpoint
-- A flag appearing on a payment opens its case (once: one case per payment and kind, ever). A
-- provider check that now reports another status than the one a resolved mismatch was about reopens it.
CREATE OR REPLACE FUNCTION payops_cases_from_payment() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  k text;
  opened bigint;
BEGIN
  FOR k IN
    SELECT f FROM unnest(NEW.flags) AS f
     WHERE f = ANY (payops_case_kinds()) AND (TG_OP = 'INSERT' OR NOT (f = ANY (OLD.flags)))
  LOOP
    opened := NULL;
    INSERT INTO cases (subject_type, subject_id, kind) VALUES ('payment', NEW.id, k)
      ON CONFLICT (subject_type, subject_id, kind) DO NOTHING RETURNING id INTO opened;
    IF opened IS NOT NULL THEN
      INSERT INTO case_events (case_id, action, to_state, actor) VALUES (opened, 'opened', 'open', 'system');
    END IF;
  END LOOP;
  IF TG_OP = 'UPDATE' AND NEW.verification = 'mismatch' AND OLD.verified_status IS DISTINCT FROM NEW.verified_status THEN
    PERFORM payops_cases_reopen(NEW.id, ARRAY['provider_mismatch'], jsonb_build_object('verifiedStatus', NEW.verified_status));
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Unflagged payments (almost all) never call the function.
CREATE TRIGGER transactions_cases_insert AFTER INSERT ON transactions
  FOR EACH ROW WHEN (cardinality(NEW.flags) > 0) EXECUTE FUNCTION payops_cases_from_payment();
--> statement-breakpoint
CREATE TRIGGER transactions_cases_update AFTER UPDATE OF flags, verified_status ON transactions
  FOR EACH ROW WHEN (cardinality(NEW.flags) > 0 AND (OLD.flags IS DISTINCT FROM NEW.flags OR OLD.verified_status IS DISTINCT FROM NEW.verified_status))
  EXECUTE FUNCTION payops_cases_from_payment();
--> statement-breakpoint
-- A new accepted delivery that contradicts a final status again (effect 'conflict'), or brings a
-- flag of a kind already resolved on its payment, reopens that case. A duplicate is no news.
CREATE OR REPLACE FUNCTION payops_cases_from_delivery() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  payment bigint;
  kinds text[];
BEGIN
  SELECT t.id INTO payment FROM transactions t WHERE t.transaction_id = NEW.transaction_id AND t.provider = NEW.provider;
  IF payment IS NULL THEN
    RETURN NULL;
  END IF;
  kinds := ARRAY(SELECT f FROM unnest(NEW.flags) AS f WHERE f = ANY (payops_case_kinds()))
           || CASE WHEN NEW.effect = 'conflict' THEN ARRAY['status_conflict'] ELSE ARRAY[]::text[] END;
  PERFORM payops_cases_reopen(payment, kinds, jsonb_build_object('deliveryId', NEW.id));
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER deliveries_cases AFTER INSERT ON deliveries
  FOR EACH ROW WHEN (NEW.outcome = 'accepted' AND NEW.transaction_id IS NOT NULL AND (NEW.effect = 'conflict' OR cardinality(NEW.flags) > 0))
  EXECUTE FUNCTION payops_cases_from_delivery();
--> statement-breakpoint
-- Live pages (lib/live): a case or a claim changing is news for its payment's page and the queues.
CREATE OR REPLACE FUNCTION payops_live_case() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF current_setting('payops.live_events', true) IS NOT DISTINCT FROM 'off' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF r.subject_type = 'payment' THEN
    INSERT INTO live_events (topic, kind, payment_id) VALUES ('payment', TG_ARGV[0], r.subject_id);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER cases_live AFTER INSERT OR UPDATE ON cases
  FOR EACH ROW EXECUTE FUNCTION payops_live_case('case');
--> statement-breakpoint
-- A claim renewed by its holder's open page is not news; a new holder or a release is.
CREATE TRIGGER work_claims_live_insert AFTER INSERT OR DELETE ON work_claims
  FOR EACH ROW EXECUTE FUNCTION payops_live_case('claim');
--> statement-breakpoint
CREATE TRIGGER work_claims_live_update AFTER UPDATE ON work_claims
  FOR EACH ROW WHEN (OLD.user_id IS DISTINCT FROM NEW.user_id) EXECUTE FUNCTION payops_live_case('claim');
--> statement-breakpoint
-- Payments flagged before cases existed get theirs now, opened when the payment was first seen.
-- Their 'opened' events are marked audited: this migration is the record (one per deployment, not
-- one audit row per old flag).
WITH made AS (
  INSERT INTO cases (subject_type, subject_id, kind, opened_at, updated_at)
  SELECT 'payment', t.id, f, t.first_seen_at, t.first_seen_at
    FROM transactions t, unnest(t.flags) AS f
   WHERE cardinality(t.flags) > 0 AND f = ANY (payops_case_kinds())
  ON CONFLICT (subject_type, subject_id, kind) DO NOTHING
  RETURNING id, opened_at
)
INSERT INTO case_events (case_id, at, action, to_state, actor, detail, audited_at)
SELECT id, opened_at, 'opened', 'open', 'system', '{"backfilled": true}'::jsonb, now() FROM made;
