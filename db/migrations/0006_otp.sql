CREATE TABLE "otp_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"transaction_id" bigint NOT NULL,
	"provider" text NOT NULL,
	"kind" text NOT NULL,
	"channel" text NOT NULL,
	"actor" text NOT NULL,
	"actor_role" text,
	"source_ip" text,
	"reason" text,
	"idempotency_key" text NOT NULL,
	"outcome" text,
	"message" text,
	"provider_request_id" text,
	"provider_status" text,
	"masked_mobile" text,
	"retry_after" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "otp_budgets" (
	"transaction_id" bigint PRIMARY KEY NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL,
	"send_limit" integer NOT NULL,
	"validations" integer DEFAULT 0 NOT NULL,
	"last_sent_at" timestamp with time zone,
	"cooldown_until" timestamp with time zone,
	"provider_sent" integer,
	"provider_limit" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "otp_rate_windows" (
	"key" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "otp_rate_windows_key_window_start_pk" PRIMARY KEY("key","window_start")
);
--> statement-breakpoint
ALTER TABLE "otp_attempts" ADD CONSTRAINT "otp_attempts_transaction_id_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "otp_budgets" ADD CONSTRAINT "otp_budgets_transaction_id_transactions_id_fk" FOREIGN KEY ("transaction_id") REFERENCES "public"."transactions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "otp_attempts_idempotency_key_uq" ON "otp_attempts" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "otp_attempts_transaction_idx" ON "otp_attempts" USING btree ("transaction_id","id");