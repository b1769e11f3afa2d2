CREATE TABLE "finance_daily" (
	"ist_day" date NOT NULL,
	"provider" text NOT NULL,
	"status" text NOT NULL,
	"status_family" text NOT NULL,
	"payment_mode" text NOT NULL,
	"currency" text NOT NULL,
	"contradicted" boolean NOT NULL,
	"slot" smallint NOT NULL,
	"payments" bigint DEFAULT 0 NOT NULL,
	"gross" numeric DEFAULT '0' NOT NULL,
	"refunds" numeric DEFAULT '0' NOT NULL,
	"refund_unknown" bigint DEFAULT 0 NOT NULL,
	"fees" numeric DEFAULT '0' NOT NULL,
	"surcharge" numeric DEFAULT '0' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mdr_rates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"payment_mode" text NOT NULL,
	"card_scheme" text DEFAULT '' NOT NULL,
	"min_amount" numeric(18, 4) DEFAULT '0' NOT NULL,
	"max_amount" numeric(18, 4),
	"percent" numeric(7, 4) DEFAULT '0' NOT NULL,
	"fixed_fee" numeric(18, 4) DEFAULT '0' NOT NULL,
	"effective_from" date NOT NULL,
	"effective_to" date,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settlement_exceptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"subject_key" text NOT NULL,
	"transaction_row_id" bigint,
	"payout_row_id" bigint,
	"line_id" bigint,
	"settlement_transaction_id" text,
	"expected" numeric(18, 4),
	"actual" numeric(18, 4),
	"difference" numeric(18, 4),
	"summary" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"resolution" text,
	"note" text,
	"resolved_by" text,
	"resolved_difference" numeric(18, 4),
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reopened_count" integer DEFAULT 0 NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "settlement_exceptions_kind_subject_uq" UNIQUE("kind","subject_key")
);
--> statement-breakpoint
CREATE TABLE "settlement_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"payout_row_id" bigint NOT NULL,
	"line_no" integer NOT NULL,
	"settlement_transaction_id" text NOT NULL,
	"transaction_type" text,
	"settlement_status" text,
	"sale_amount" numeric(18, 4),
	"txn_amount" numeric(18, 4),
	"tax_amount" numeric(18, 4),
	"charges" numeric(18, 4),
	"settlement_amount" numeric(18, 4),
	"acquirer_gst_amount" numeric(18, 4),
	"merchant_mdr_mode" text,
	"merchant_mdr" numeric(18, 4),
	"net_profit" numeric(18, 4),
	"profit_gst" numeric(18, 4),
	"transaction_row_id" bigint,
	"outcome" text DEFAULT 'unchecked' NOT NULL,
	"expected_charges" numeric(18, 4),
	"expected_tax" numeric(18, 4),
	CONSTRAINT "settlement_lines_payout_line_uq" UNIQUE("payout_row_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "settlement_payouts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"payout_id" text NOT NULL,
	"payout_status" text,
	"payout_mode" text,
	"utr" text,
	"payout_at" timestamp with time zone,
	"payout_day" date,
	"transfer_id" text,
	"transfer_response_reason" text,
	"currency" text DEFAULT 'INR' NOT NULL,
	"total_sale_amount" numeric(18, 4),
	"total_refund_amount" numeric(18, 4),
	"total_charges" numeric(18, 4),
	"total_gst" numeric(18, 4),
	"total_settlement_amount" numeric(18, 4),
	"refund_chargeback_amount" numeric(18, 4),
	"carry_forward_amount" numeric(18, 4),
	"adjustment_amount" numeric(18, 4),
	"line_count" integer DEFAULT 0 NOT NULL,
	"payload_sha256" text NOT NULL,
	"first_synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "settlement_payouts_provider_payout_uq" UNIQUE("provider","payout_id")
);
--> statement-breakpoint
ALTER TABLE "transactions" ADD COLUMN "refunded_amount" numeric(18, 4);--> statement-breakpoint
ALTER TABLE "settlement_lines" ADD CONSTRAINT "settlement_lines_payout_row_id_settlement_payouts_id_fk" FOREIGN KEY ("payout_row_id") REFERENCES "public"."settlement_payouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "finance_daily_key_uq" ON "finance_daily" USING btree ("ist_day","provider","status","status_family","payment_mode","currency","contradicted","slot");--> statement-breakpoint
CREATE INDEX "mdr_rates_mode_idx" ON "mdr_rates" USING btree ("payment_mode","effective_from");--> statement-breakpoint
CREATE INDEX "settlement_exceptions_state_opened_idx" ON "settlement_exceptions" USING btree ("state","opened_at","id");--> statement-breakpoint
CREATE INDEX "settlement_exceptions_payout_idx" ON "settlement_exceptions" USING btree ("payout_row_id");--> statement-breakpoint
CREATE INDEX "settlement_exceptions_transaction_idx" ON "settlement_exceptions" USING btree ("transaction_row_id");--> statement-breakpoint
CREATE INDEX "settlement_lines_txn_id_idx" ON "settlement_lines" USING btree ("settlement_transaction_id");--> statement-breakpoint
CREATE INDEX "settlement_lines_transaction_row_idx" ON "settlement_lines" USING btree ("transaction_row_id");--> statement-breakpoint
CREATE INDEX "settlement_payouts_day_idx" ON "settlement_payouts" USING btree ("payout_day","id");