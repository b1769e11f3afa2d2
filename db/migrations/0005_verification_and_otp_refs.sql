ALTER TABLE "transactions" ADD COLUMN "verification" text DEFAULT 'unconfirmed' NOT NULL;--> statement-breakpoint
ALTER TABLE "transactions" ADD COLUMN "verified_status" text;--> statement-breakpoint
ALTER TABLE "transactions" ADD COLUMN "verified_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "transactions" ADD COLUMN "verification_detail" text;--> statement-breakpoint
ALTER TABLE "transactions" ADD COLUMN "otp_refs" jsonb DEFAULT '{}'::jsonb NOT NULL;