CREATE TABLE "refund_batches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"created_by" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"file_name" text NOT NULL,
	"file_sha256" text NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"rows" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"valid_rows" integer DEFAULT 0 NOT NULL,
	"invalid_rows" integer DEFAULT 0 NOT NULL,
	"total" numeric(18, 4) DEFAULT '0' NOT NULL,
	"has_holds" boolean DEFAULT false NOT NULL,
	"decided_by" bigint,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refund_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"refund_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"action" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"actor_id" bigint,
	"actor" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"transaction_row_id" bigint NOT NULL,
	"provider" text NOT NULL,
	"request_id" text NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"state" text DEFAULT 'requested' NOT NULL,
	"source" text NOT NULL,
	"batch_id" bigint,
	"idempotency_key" text,
	"requested_by" bigint,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"holds" text[] DEFAULT '{}'::text[] NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"decided_by" bigint,
	"decided_at" timestamp with time zone,
	"decision_note" text,
	"send_attempts" integer DEFAULT 0 NOT NULL,
	"sent_at" timestamp with time zone,
	"provider_refund_id" text,
	"provider_status" text,
	"provider_message" text,
	"arn" text,
	"last_checked_at" timestamp with time zone,
	"final_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "transactions" ADD COLUMN "refund_reserved" numeric(18, 4) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "transactions" ADD COLUMN "refund_succeeded" numeric(18, 4) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "refund_events" ADD CONSTRAINT "refund_events_refund_id_refunds_id_fk" FOREIGN KEY ("refund_id") REFERENCES "public"."refunds"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_transaction_row_id_transactions_id_fk" FOREIGN KEY ("transaction_row_id") REFERENCES "public"."transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "refund_events_refund_idx" ON "refund_events" USING btree ("refund_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_request_id_uq" ON "refunds" USING btree ("request_id");--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_idempotency_key_uq" ON "refunds" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "refunds_transaction_idx" ON "refunds" USING btree ("transaction_row_id","id");--> statement-breakpoint
CREATE INDEX "refunds_open_idx" ON "refunds" USING btree ("state","requested_at") WHERE "refunds"."state" IN ('requested', 'approved', 'sending', 'unknown', 'pending', 'manual_review');--> statement-breakpoint
CREATE INDEX "refunds_batch_idx" ON "refunds" USING btree ("batch_id") WHERE "refunds"."batch_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "refunds_requested_at_idx" ON "refunds" USING btree ("requested_at");--> statement-breakpoint
-- Custom SQL (not generated): the over-refund guard, the payment's refund totals, refund cases and live events.
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_amount_positive" CHECK ("amount" > 0);--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_request_id_length" CHECK (char_length("request_id") BETWEEN 1 AND 20);--> statement-breakpoint
ALTER TABLE "transactions" ADD CONSTRAINT "transactions_refund_totals" CHECK ("refund_reserved" >= 0 AND "refund_succeeded" >= 0 AND "refund_succeeded" <= "refund_reserved");--> statement-breakpoint
-- The states in which a refund's amount is held against its payment: from approval until it fails.
CREATE OR REPLACE FUNCTION payops_refund_holds(state text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT state IN ('approved', 'sending', 'unknown', 'pending', 'manual_review', 'succeeded')
$$;
--> statement-breakpoint
-- Never over-refund, whoever writes and however many at once. Every change of a refund's state
-- moves its payment's totals in the same statement; a hold is taken only by a conditional UPDATE
-- of the payment's row, so concurrent approvals of one payment queue on that row and each sees
-- the holds committed before it. Money already given back outside PayOps (a settlement's refund
-- lines beyond PayOps' own) counts too. Over the captured amount: SQLSTATE 23514, nothing written.
CREATE OR REPLACE FUNCTION payops_refund_totals() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  held numeric := CASE WHEN payops_refund_holds(NEW.state) THEN NEW.amount ELSE 0 END
                - CASE WHEN TG_OP = 'UPDATE' AND payops_refund_holds(OLD.state) THEN OLD.amount ELSE 0 END;
  done numeric := CASE WHEN NEW.state = 'succeeded' THEN NEW.amount ELSE 0 END
                - CASE WHEN TG_OP = 'UPDATE' AND OLD.state = 'succeeded' THEN OLD.amount ELSE 0 END;
BEGIN
  IF held = 0 AND done = 0 THEN RETURN NEW; END IF;
  UPDATE transactions t
     SET refund_reserved = t.refund_reserved + held,
         refund_succeeded = t.refund_succeeded + done,
         refunded_amount = CASE WHEN done <> 0 THEN greatest(coalesce(t.refunded_amount, 0), t.refund_succeeded + done) ELSE t.refunded_amount END,
         updated_at = now()
   WHERE t.id = NEW.transaction_row_id
     AND (held <= 0 OR t.refund_reserved + held + greatest(0, coalesce(t.refunded_amount, 0) - t.refund_succeeded)
                       <= coalesce(t.final_amount, t.amount, 0));
  IF NOT FOUND THEN
    RAISE EXCEPTION 'refund % would take the refunds of payment % past what was captured', NEW.id, NEW.transaction_row_id
      USING ERRCODE = '23514', CONSTRAINT = 'refunds_within_captured';
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER refunds_totals BEFORE INSERT OR UPDATE OF state, amount ON refunds
  FOR EACH ROW EXECUTE FUNCTION payops_refund_totals();
--> statement-breakpoint
-- A refund's every step is news on its payment's page.
CREATE OR REPLACE FUNCTION payops_live_refund() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO live_events (topic, kind, payment_id) VALUES ('payment', 'refund', NEW.transaction_row_id);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER refunds_live AFTER INSERT OR UPDATE OF state, arn, provider_status ON refunds
  FOR EACH ROW EXECUTE FUNCTION payops_live_refund();
--> statement-breakpoint
-- Refunds a person must look at become cases like every other flag (lib/cases/kinds.ts).
CREATE OR REPLACE FUNCTION payops_case_kinds() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY['status_conflict', 'provider_mismatch', 'amount_mismatch', 'amount_changed', 'card_number_scrubbed',
               'notify_missing', 'stuck', 'unknown_status', 'unauthenticated', 'refund_stuck', 'refund_unknown']::text[]
$$;
