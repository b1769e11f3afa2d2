CREATE TABLE "alert_deliveries" (
	"alert_id" bigint NOT NULL,
	"transition" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"in_flight_until" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"http_status" smallint,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_deliveries_alert_id_transition_pk" PRIMARY KEY("alert_id","transition")
);
--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"rule" text NOT NULL,
	"key" text DEFAULT '' NOT NULL,
	"severity" text NOT NULL,
	"title" text NOT NULL,
	"opened_summary" text NOT NULL,
	"summary" text NOT NULL,
	"opened_numbers" jsonb NOT NULL,
	"numbers" jsonb NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"last_evaluated_at" timestamp with time zone NOT NULL,
	"clear_since" timestamp with time zone,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_alert_id_alerts_id_fk" FOREIGN KEY ("alert_id") REFERENCES "public"."alerts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_deliveries_undelivered_idx" ON "alert_deliveries" USING btree ("created_at") WHERE "alert_deliveries"."delivered_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_rule_key_uq" ON "alerts" USING btree ("rule","key") WHERE "alerts"."resolved_at" IS NULL;--> statement-breakpoint
CREATE INDEX "alerts_opened_at_idx" ON "alerts" USING btree ("opened_at","id");--> statement-breakpoint
CREATE INDEX "transactions_mismatch_verified_at_idx" ON "transactions" USING btree ("verified_at") WHERE "transactions"."verification" = 'mismatch';--> statement-breakpoint
CREATE INDEX "deliveries_provider_outcome_received_at_idx" ON "deliveries" USING btree ("provider","outcome","received_at");--> statement-breakpoint
CREATE INDEX "deliveries_conflict_received_at_idx" ON "deliveries" USING btree ("received_at") WHERE "deliveries"."effect" = 'conflict';--> statement-breakpoint
CREATE INDEX "otp_attempts_limit_refusals_idx" ON "otp_attempts" USING btree ("created_at") WHERE outcome IN ('refused_payment_limit', 'refused_cooldown', 'refused_agent_limit', 'refused_global_limit', 'rate_limited_by_provider');