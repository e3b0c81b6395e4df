import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { id, instant, reference } from "./columns.ts";
import { showtimes } from "./showtimes.ts";
import { users } from "./users.ts";

export type HoldStatus = "active" | "released" | "expired" | "replaced" | "converted";

/**
 * A user's hold on some seats of a showtime, with the prices locked when it was made. The seats
 * themselves are claimed in `seat_claims`; this row is the receipt the API hands back.
 */
export const holds = pgTable(
  "holds",
  {
    id: id(),
    showtimeId: reference("showtime_id", () => showtimes.id, "restrict"),
    userId: reference("user_id", () => users.id, "cascade"),
    seatIds: text("seat_ids").array().notNull(),
    /** Minor units per seat id, as locked at creation. */
    prices: jsonb("prices").$type<Record<string, number>>().notNull(),
    total: integer("total").notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<HoldStatus>().notNull().default("active"),
    expiresAt: instant("expires_at").notNull(),
    /**
     * A refresh never extends a hold past this. The same for every hold of one run of a user's holds on
     * the showtime (see core/seating/hold-run.ts), so holding again never resets it.
     */
    maxExpiresAt: instant("max_expires_at").notNull(),
    createdAt: instant("created_at").notNull().defaultNow(),
    closedAt: instant("closed_at"),
  },
  (t) => [
    check("holds_status_known", sql`${t.status} IN ('active','released','expired','replaced','converted')`),
    // At most one live hold per user and showtime: a new hold replaces the old in the same transaction.
    uniqueIndex("holds_one_active_per_user_key")
      .on(t.userId, t.showtimeId)
      .where(sql`${t.status} = 'active'`),
    index("holds_active_expiry_idx").on(t.expiresAt).where(sql`${t.status} = 'active'`),
    // A user's latest hold on a showtime, read under the showtime's lock by every new hold: it carries the
    // run's maximum life (core/seating/hold-run.ts). closed_at breaks ties of holds made in one instant.
    index("holds_user_showtime_latest_idx").on(
      t.userId,
      t.showtimeId,
      t.createdAt.desc(),
      t.closedAt.desc().nullsFirst(),
    ),
  ],
);

export type HoldRow = typeof holds.$inferSelect;
