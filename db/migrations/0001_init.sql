CREATE TABLE "transactions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"transaction_id" text NOT NULL,
	"unique_transaction_id" text,
	"order_id" text,
	"bank_transaction_id" text,
	"status" text NOT NULL,
	"status_rank" smallint NOT NULL,
	"status_family" text NOT NULL,
	"transaction_status" text,
	"order_status" text,
	"txn_message" text,
	"payment_mode" text,
	"currency" text,
	"amount" numeric(18, 4),
	"surcharge" numeric(18, 4),
	"surcharge_gst" numeric(18, 4),
	"final_amount" numeric(18, 4),
	"transaction_amount" numeric(18, 4),
	"mdr" numeric(18, 4),
	"mdr_gst" numeric(18, 4),
	"card_scheme" text,
	"card_last4" text,
	"bank_code" text,
	"bank_name" text,
	"cardholder_name" text,
	"payment_token_sha256" text,
	"txn_at" timestamp with time zone NOT NULL,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"last_effect" text DEFAULT 'created' NOT NULL,
	"event_count" integer DEFAULT 1 NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "transactions_transaction_id_provider_uq" UNIQUE("transaction_id","provider")
);
--> statement-breakpoint
CREATE TABLE "payment_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"transaction_id" text NOT NULL,
	"payload_sha256" text NOT NULL,
	"status" text NOT NULL,
	"txn_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"duplicate_count" integer DEFAULT 0 NOT NULL,
	"last_duplicate_at" timestamp with time zone,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL,
	"payload" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"source_ip" text,
	"user_agent" text,
	"auth" text NOT NULL,
	"outcome" text NOT NULL,
	"http_status" smallint NOT NULL,
	"reason" text,
	"effect" text,
	"body_sha256" text,
	"body_bytes" integer,
	"body" text,
	"body_truncated" boolean DEFAULT false NOT NULL,
	"transaction_id" text,
	"event_id" bigint,
	"flags" text[] DEFAULT '{}'::text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"actor_role" text,
	"action" text NOT NULL,
	"target" text,
	"source_ip" text,
	"outcome" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prev_hash" text,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sign_in_throttle" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	"window_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"name" text,
	"role" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"password_hash" text NOT NULL,
	"session_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_sign_in_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "payment_events" ADD CONSTRAINT "payment_events_transaction_fk" FOREIGN KEY ("provider","transaction_id") REFERENCES "public"."transactions"("provider","transaction_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_event_id_payment_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."payment_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "transactions_txn_at_id_idx" ON "transactions" USING btree ("txn_at","id");--> statement-breakpoint
CREATE INDEX "transactions_status_txn_at_idx" ON "transactions" USING btree ("status","txn_at","id");--> statement-breakpoint
CREATE INDEX "transactions_payment_mode_txn_at_idx" ON "transactions" USING btree ("payment_mode","txn_at","id");--> statement-breakpoint
CREATE INDEX "transactions_card_last4_txn_at_idx" ON "transactions" USING btree ("card_last4","txn_at","id");--> statement-breakpoint
CREATE INDEX "transactions_unique_transaction_id_idx" ON "transactions" USING btree ("unique_transaction_id");--> statement-breakpoint
CREATE INDEX "transactions_order_id_idx" ON "transactions" USING btree ("order_id");--> statement-breakpoint
CREATE INDEX "transactions_bank_transaction_id_idx" ON "transactions" USING btree ("bank_transaction_id");--> statement-breakpoint
CREATE INDEX "transactions_cardholder_name_trgm_idx" ON "transactions" USING gin ("cardholder_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "transactions_flagged_txn_at_idx" ON "transactions" USING btree ("txn_at","id") WHERE cardinality("transactions"."flags") > 0;--> statement-breakpoint
CREATE UNIQUE INDEX "payment_events_dedup_uq" ON "payment_events" USING btree ("provider","transaction_id","payload_sha256");--> statement-breakpoint
CREATE INDEX "payment_events_transaction_idx" ON "payment_events" USING btree ("provider","transaction_id","id");--> statement-breakpoint
CREATE INDEX "deliveries_received_at_idx" ON "deliveries" USING btree ("received_at","id");--> statement-breakpoint
CREATE INDEX "deliveries_outcome_received_at_idx" ON "deliveries" USING btree ("outcome","received_at","id");--> statement-breakpoint
CREATE INDEX "deliveries_transaction_idx" ON "deliveries" USING btree ("provider","transaction_id");--> statement-breakpoint
CREATE INDEX "deliveries_event_idx" ON "deliveries" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at","id");--> statement-breakpoint
CREATE INDEX "audit_log_action_idx" ON "audit_log" USING btree ("action","id");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_uq" ON "users" USING btree (lower("email"));