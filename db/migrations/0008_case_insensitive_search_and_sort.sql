DROP INDEX "transactions_order_id_idx";--> statement-breakpoint
DROP INDEX "transactions_bank_transaction_id_idx";--> statement-breakpoint
CREATE INDEX "transactions_amount_sort_idx" ON "transactions" USING btree (coalesce("final_amount", '-100000000000000'::numeric),"id");--> statement-breakpoint
CREATE INDEX "transactions_transaction_id_lower_idx" ON "transactions" USING btree (lower("transaction_id") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "transactions_unique_transaction_id_lower_idx" ON "transactions" USING btree (lower("unique_transaction_id") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "transactions_order_id_lower_idx" ON "transactions" USING btree (lower("order_id") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "transactions_bank_transaction_id_lower_idx" ON "transactions" USING btree (lower("bank_transaction_id") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "deliveries_transaction_id_lower_idx" ON "deliveries" USING btree (lower("transaction_id") text_pattern_ops,"received_at","id");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "audit_log" USING btree ("actor","id");--> statement-breakpoint
-- Name fragments are estimated from the sampled most-common names: at the default statistics target
-- the estimate for ILIKE %Iyer% swung between 44 and 22,095 rows (8,699 real) from one ANALYZE to the
-- next, and at 44 the planner chose a bitmap of every match over walking txn_at (34 ms against 3).
ALTER TABLE "transactions" ALTER COLUMN "cardholder_name" SET STATISTICS 1000;