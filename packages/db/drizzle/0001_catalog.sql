-- btree_gist lets one GiST exclusion constraint combine equality on screen_id with range overlap.
CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA public;
--> statement-breakpoint
CREATE TABLE "movies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tmdb_id" integer,
	"title" text NOT NULL,
	"overview" text DEFAULT '' NOT NULL,
	"genres" text[] DEFAULT '{}'::text[] NOT NULL,
	"runtime_minutes" integer NOT NULL,
	"rating" text,
	"poster_url" text,
	"backdrop_url" text,
	"cast" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"languages" text[] DEFAULT '{}'::text[] NOT NULL,
	"release_date" date,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "movies_runtime_positive" CHECK ("movies"."runtime_minutes" > 0)
);
--> statement-breakpoint
CREATE TABLE "screens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"theater_id" uuid NOT NULL,
	"name" text NOT NULL,
	"layout" jsonb NOT NULL,
	"seat_count" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "screens_theater_name_key" UNIQUE("theater_id","name"),
	CONSTRAINT "screens_id_theater_key" UNIQUE("id","theater_id")
);
--> statement-breakpoint
CREATE TABLE "showtimes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"movie_id" uuid NOT NULL,
	"theater_id" uuid NOT NULL,
	"screen_id" uuid NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"sales_close_at" timestamp with time zone NOT NULL,
	"language" text NOT NULL,
	"format" text NOT NULL,
	"base_price" integer NOT NULL,
	"currency" text DEFAULT 'INR' NOT NULL,
	"seat_type_prices" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"pricing_rules" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'on_sale' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "showtimes_ends_after_start" CHECK ("showtimes"."end_at" > "showtimes"."start_at"),
	CONSTRAINT "showtimes_status_known" CHECK ("showtimes"."status" IN ('scheduled','on_sale','cancelled','completed')),
	CONSTRAINT "showtimes_format_known" CHECK ("showtimes"."format" IN ('2D','3D','IMAX','4DX')),
	CONSTRAINT "showtimes_price_not_negative" CHECK ("showtimes"."base_price" >= 0)
);
--> statement-breakpoint
CREATE TABLE "theaters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"address" jsonb NOT NULL,
	"latitude" double precision NOT NULL,
	"longitude" double precision NOT NULL,
	"contact" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"time_zone" text NOT NULL,
	"cancellation_policy" jsonb NOT NULL,
	"archived_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "theaters_latitude_range" CHECK ("theaters"."latitude" BETWEEN -90 AND 90),
	CONSTRAINT "theaters_longitude_range" CHECK ("theaters"."longitude" BETWEEN -180 AND 180)
);
--> statement-breakpoint
ALTER TABLE "screens" ADD CONSTRAINT "screens_theater_id_theaters_id_fk" FOREIGN KEY ("theater_id") REFERENCES "theaters"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "showtimes" ADD CONSTRAINT "showtimes_movie_id_movies_id_fk" FOREIGN KEY ("movie_id") REFERENCES "movies"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "showtimes" ADD CONSTRAINT "showtimes_theater_id_theaters_id_fk" FOREIGN KEY ("theater_id") REFERENCES "theaters"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "showtimes" ADD CONSTRAINT "showtimes_screen_of_theater_fk" FOREIGN KEY ("screen_id","theater_id") REFERENCES "screens"("id","theater_id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "movies_tmdb_id_key" ON "movies" USING btree ("tmdb_id");--> statement-breakpoint
CREATE INDEX "movies_title_idx" ON "movies" USING btree (lower("title"));--> statement-breakpoint
CREATE INDEX "showtimes_movie_start_idx" ON "showtimes" USING btree ("movie_id","start_at");--> statement-breakpoint
CREATE INDEX "showtimes_theater_start_idx" ON "showtimes" USING btree ("theater_id","start_at");--> statement-breakpoint
CREATE INDEX "showtimes_screen_start_idx" ON "showtimes" USING btree ("screen_id","start_at");--> statement-breakpoint
CREATE INDEX "theaters_name_idx" ON "theaters" USING btree ("name");--> statement-breakpoint
-- Written by hand: no two live showtimes of one screen may overlap, whatever races the writers run.
ALTER TABLE "showtimes" ADD CONSTRAINT "showtimes_no_overlap" EXCLUDE USING gist ("screen_id" WITH =, tstzrange("start_at", "end_at", '[)') WITH &&) WHERE ("status" <> 'cancelled');
