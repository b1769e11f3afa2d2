CREATE TABLE "case_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"action" text NOT NULL,
	"from_state" text,
	"to_state" text,
	"actor_id" bigint,
	"actor" text NOT NULL,
	"assignee_id" bigint,
	"resolution" text,
	"note" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"audited_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"subject_type" text NOT NULL,
	"subject_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"state" text DEFAULT 'open' NOT NULL,
	"assignee_id" bigint,
	"resolution" text,
	"resolution_note" text,
	"resolved_by" bigint,
	"resolved_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "work_claims" (
	"subject_type" text NOT NULL,
	"subject_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "work_claims_subject_type_subject_id_pk" PRIMARY KEY("subject_type","subject_id")
);
--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_events_case_idx" ON "case_events" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "case_events_unaudited_idx" ON "case_events" USING btree ("id") WHERE "case_events"."audited_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "cases_subject_kind_uq" ON "cases" USING btree ("subject_type","subject_id","kind");--> statement-breakpoint
CREATE INDEX "cases_unresolved_opened_idx" ON "cases" USING btree ("opened_at","id") WHERE "cases"."state" <> 'resolved';--> statement-breakpoint
CREATE INDEX "cases_assignee_idx" ON "cases" USING btree ("assignee_id","opened_at") WHERE "cases"."state" = 'assigned';--> statement-breakpoint
CREATE INDEX "cases_resolved_at_idx" ON "cases" USING btree ("resolved_at","id") WHERE "cases"."state" = 'resolved';--> statement-breakpoint
CREATE INDEX "transactions_stuck_at_bank_idx" ON "transactions" USING btree ("txn_at","id") WHERE (("provider" = 'enkash' AND "status" IN ('PENDING_WITH_BANK', 'AUTHORIZED')) OR ("provider" = 'juspay' AND "status" = 'AUTHORIZING') OR ("status_family" = 'failed' AND 'status_conflict' = ANY ("flags")));