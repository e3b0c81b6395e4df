CREATE TABLE "holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"showtime_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"seat_ids" text[] NOT NULL,
	"prices" jsonb NOT NULL,
	"total" integer NOT NULL,
	"currency" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"max_expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "holds_status_known" CHECK ("holds"."status" IN ('active','released','expired','replaced','converted'))
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"scope" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer NOT NULL,
	"response" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY("user_id","scope","key")
);
--> statement-breakpoint
CREATE TABLE "seat_claims" (
	"showtime_id" uuid NOT NULL,
	"seat_id" text NOT NULL,
	"hold_id" uuid,
	"booking_id" uuid,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone,
	"price" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "seat_claims_pkey" PRIMARY KEY("showtime_id","seat_id"),
	CONSTRAINT "seat_claims_one_owner" CHECK (("seat_claims"."hold_id" IS NULL) <> ("seat_claims"."booking_id" IS NULL)),
	CONSTRAINT "seat_claims_hold_expires" CHECK ("seat_claims"."hold_id" IS NULL OR "seat_claims"."expires_at" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "showtimes" ADD COLUMN "seat_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "showtimes" ADD COLUMN "no_orphan_seats" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "holds" ADD CONSTRAINT "holds_showtime_id_showtimes_id_fk" FOREIGN KEY ("showtime_id") REFERENCES "showtimes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "holds" ADD CONSTRAINT "holds_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seat_claims" ADD CONSTRAINT "seat_claims_showtime_id_showtimes_id_fk" FOREIGN KEY ("showtime_id") REFERENCES "showtimes"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seat_claims" ADD CONSTRAINT "seat_claims_hold_id_holds_id_fk" FOREIGN KEY ("hold_id") REFERENCES "holds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "holds_one_active_per_user_key" ON "holds" USING btree ("user_id","showtime_id") WHERE "holds"."status" = 'active';--> statement-breakpoint
CREATE INDEX "holds_active_expiry_idx" ON "holds" USING btree ("expires_at") WHERE "holds"."status" = 'active';--> statement-breakpoint
CREATE INDEX "seat_claims_hold_idx" ON "seat_claims" USING btree ("hold_id");--> statement-breakpoint
CREATE INDEX "seat_claims_expiry_idx" ON "seat_claims" USING btree ("expires_at") WHERE "seat_claims"."hold_id" IS NOT NULL;