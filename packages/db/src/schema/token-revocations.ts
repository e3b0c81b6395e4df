import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, uuid } from "drizzle-orm/pg-core";
import { id, instant, reference } from "./columns.ts";
import { users } from "./users.ts";

/**
 * What stops access tokens before they expire. Access tokens stay stateless (nothing is looked up per
 * request); every API process reads the rows written since its last look, about once a second, and
 * refuses the tokens they name. A row either signs out one session (its refresh family, the token's
 * `sid`) or moves a user's token version on (tokens carrying an older `ver`: a role change does this,
 * through a trigger on `users.roles`). `revoked_at` is the database's clock, so every process reads
 * the same timeline whatever its own clock says.
 */
export const tokenRevocations = pgTable(
  "token_revocations",
  {
    id: id(),
    userId: reference("user_id", () => users.id, "cascade"),
    familyId: uuid("family_id"),
    tokenVersion: integer("token_version"),
    revokedAt: instant("revoked_at").notNull().default(sql`clock_timestamp()`),
  },
  (t) => [
    index("token_revocations_revoked_at_idx").on(t.revokedAt),
    check("token_revocations_names_tokens", sql`${t.familyId} IS NOT NULL OR ${t.tokenVersion} IS NOT NULL`),
  ],
);

export type TokenRevocationRow = typeof tokenRevocations.$inferSelect;
