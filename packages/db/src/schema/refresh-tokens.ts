import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { id, instant, reference } from "./columns.ts";
import { users } from "./users.ts";

/**
 * Opaque refresh tokens, stored as keyed hashes. Every refresh replaces the token with a new one in the
 * same family; presenting a replaced token again is treated as theft and revokes the family.
 */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: id(),
    userId: reference("user_id", () => users.id, "cascade"),
    familyId: uuid("family_id").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: instant("expires_at").notNull(),
    rotatedAt: instant("rotated_at"),
    revokedAt: instant("revoked_at"),
    createdAt: instant("created_at").notNull().defaultNow(),
  },
  (t) => [index("refresh_tokens_family_idx").on(t.familyId), index("refresh_tokens_user_idx").on(t.userId)],
);

export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
