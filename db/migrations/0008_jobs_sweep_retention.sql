ALTER TABLE "payment_events" ALTER COLUMN "payload" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "payment_events" ADD COLUMN "payload_pruned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "body_pruned_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "transactions_sweep_idx" ON "transactions" USING btree ("provider","txn_at") WHERE "transactions"."status_family" = 'open' OR "transactions"."verification" IN ('unconfirmed', 'error');--> statement-breakpoint
CREATE INDEX "payment_events_payload_kept_idx" ON "payment_events" USING btree ("received_at") WHERE "payment_events"."payload" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "deliveries_body_kept_idx" ON "deliveries" USING btree ("received_at") WHERE "deliveries"."body" IS NOT NULL;