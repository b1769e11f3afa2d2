-- Live pages (lib/live): every new delivery and every payment created or changed becomes a row of
-- live_events, written here by triggers in the writer's own transaction, so that every writer (the
-- webhooks, verification, OTP calls, another app instance, a person with psql) produces events
-- without code of its own, and none for a change that is rolled back. Ids only, no personal data.
-- No NOTIFY here: Postgres serialises the commits of all transactions that notify, which halved
-- the webhook's throughput; a writer rings a doorbell after its commit instead (lib/live/ring.ts),
-- and every instance also reads the table on a short poll.
-- A session that sets payops.live_events = 'off' writes none (the bulk seed: history, not news).

-- A delivery names its payment by (provider, transaction_id); the event carries the payment's row
-- id so that payment's page hears about a duplicate too (its timeline shows every delivery).
-- AFTER ROW triggers run when the whole statement is done, so the ingest's single statement has
-- already created or updated the payment by then.
CREATE OR REPLACE FUNCTION payops_live_delivery() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  payment bigint;
BEGIN
  IF current_setting('payops.live_events', true) IS NOT DISTINCT FROM 'off' THEN
    RETURN NULL;
  END IF;
  IF NEW.transaction_id IS NOT NULL THEN
    SELECT t.id INTO payment FROM transactions t WHERE t.transaction_id = NEW.transaction_id AND t.provider = NEW.provider;
  END IF;
  INSERT INTO live_events (topic, kind, payment_id, delivery_id) VALUES ('delivery', NEW.outcome, payment, NEW.id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION payops_live_payment() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('payops.live_events', true) IS NOT DISTINCT FROM 'off' THEN
    RETURN NULL;
  END IF;
  INSERT INTO live_events (topic, kind, payment_id) VALUES ('payment', CASE WHEN TG_OP = 'INSERT' THEN 'created' ELSE 'updated' END, NEW.id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER deliveries_live AFTER INSERT ON deliveries
  FOR EACH ROW EXECUTE FUNCTION payops_live_delivery();
--> statement-breakpoint
CREATE TRIGGER transactions_live_insert AFTER INSERT ON transactions
  FOR EACH ROW EXECUTE FUNCTION payops_live_payment();
--> statement-breakpoint
-- Only a change someone would see on a page: updated_at alone (or an UPDATE that changes nothing)
-- is not news. A column added to transactions that a page shows belongs in this list.
CREATE TRIGGER transactions_live_update AFTER UPDATE ON transactions
  FOR EACH ROW WHEN (
    OLD.status IS DISTINCT FROM NEW.status
    OR OLD.transaction_status IS DISTINCT FROM NEW.transaction_status
    OR OLD.order_status IS DISTINCT FROM NEW.order_status
    OR OLD.txn_message IS DISTINCT FROM NEW.txn_message
    OR OLD.flags IS DISTINCT FROM NEW.flags
    OR OLD.verification IS DISTINCT FROM NEW.verification
    OR OLD.verified_status IS DISTINCT FROM NEW.verified_status
    OR OLD.verified_at IS DISTINCT FROM NEW.verified_at
    OR OLD.verification_detail IS DISTINCT FROM NEW.verification_detail
    OR OLD.amount IS DISTINCT FROM NEW.amount
    OR OLD.surcharge IS DISTINCT FROM NEW.surcharge
    OR OLD.surcharge_gst IS DISTINCT FROM NEW.surcharge_gst
    OR OLD.final_amount IS DISTINCT FROM NEW.final_amount
    OR OLD.transaction_amount IS DISTINCT FROM NEW.transaction_amount
    OR OLD.mdr IS DISTINCT FROM NEW.mdr
    OR OLD.mdr_gst IS DISTINCT FROM NEW.mdr_gst
    OR OLD.txn_at IS DISTINCT FROM NEW.txn_at
    OR OLD.last_effect IS DISTINCT FROM NEW.last_effect
    OR OLD.event_count IS DISTINCT FROM NEW.event_count
    OR OLD.transaction_id IS DISTINCT FROM NEW.transaction_id
    OR OLD.unique_transaction_id IS DISTINCT FROM NEW.unique_transaction_id
    OR OLD.order_id IS DISTINCT FROM NEW.order_id
    OR OLD.bank_transaction_id IS DISTINCT FROM NEW.bank_transaction_id
    OR OLD.payment_mode IS DISTINCT FROM NEW.payment_mode
    OR OLD.card_scheme IS DISTINCT FROM NEW.card_scheme
    OR OLD.card_last4 IS DISTINCT FROM NEW.card_last4
    OR OLD.cardholder_name IS DISTINCT FROM NEW.cardholder_name
    OR OLD.bank_code IS DISTINCT FROM NEW.bank_code
    OR OLD.bank_name IS DISTINCT FROM NEW.bank_name
    OR OLD.otp_refs IS DISTINCT FROM NEW.otp_refs
  ) EXECUTE FUNCTION payops_live_payment();
