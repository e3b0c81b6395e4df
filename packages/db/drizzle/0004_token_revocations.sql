CREATE TABLE "token_revocations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid NOT NULL,
	"family_id" uuid,
	"token_version" integer,
	"revoked_at" timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
	CONSTRAINT "token_revocations_names_tokens" CHECK ("token_revocations"."family_id" IS NOT NULL OR "token_revocations"."token_version" IS NOT NULL)
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "token_version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "token_revocations" ADD CONSTRAINT "token_revocations_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "token_revocations_revoked_at_idx" ON "token_revocations" USING btree ("revoked_at");--> statement-breakpoint
-- A role change, by any path (admin:create, an admin route, SQL typed by an operator), moves the user's
-- token version on and records it, so every API process refuses the access tokens issued before it: they
-- carry the old roles. The set of roles is compared, not the array: reordering is no change.
CREATE FUNCTION "users_roles_revoke_tokens"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (NEW.roles @> OLD.roles AND OLD.roles @> NEW.roles) THEN
    NEW.token_version := OLD.token_version + 1;
    INSERT INTO token_revocations (user_id, token_version) VALUES (NEW.id, NEW.token_version);
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "users_roles_revoke_tokens" BEFORE UPDATE OF "roles" ON "users"
  FOR EACH ROW EXECUTE FUNCTION "users_roles_revoke_tokens"();
