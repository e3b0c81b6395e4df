import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { bookings } from "./bookings.ts";
import { instant, reference } from "./columns.ts";
import { holds } from "./holds.ts";
import { showtimes } from "./showtimes.ts";

/**
 * The seat invariant lives here: one row per claimed seat, keyed by (showtime, seat), so the database
 * itself refuses a second claim. A claim belongs to a live hold (until `expires_at`) or to a booking.
 */
export const seatClaims = pgTable(
  "seat_claims",
  {
    showtimeId: reference("showtime_id", () => showtimes.id, "restrict"),
    seatId: text("seat_id").notNull(),
    holdId: uuid("hold_id").references(() => holds.id, { onDelete: "cascade" }),
    /** Set when a booking owns the seat. */
    bookingId: uuid("booking_id").references(() => bookings.id, { onDelete: "restrict" }),
    userId: uuid("user_id").notNull(),
    /** For a hold: when the claim lapses. Reads and new holds ignore lapsed claims at once. */
    expiresAt: instant("expires_at"),
    price: integer("price").notNull(),
    createdAt: instant("created_at").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "seat_claims_pkey", columns: [t.showtimeId, t.seatId] }),
    check("seat_claims_one_owner", sql`(${t.holdId} IS NULL) <> (${t.bookingId} IS NULL)`),
    check("seat_claims_hold_expires", sql`${t.holdId} IS NULL OR ${t.expiresAt} IS NOT NULL`),
    index("seat_claims_hold_idx").on(t.holdId),
    index("seat_claims_booking_idx").on(t.bookingId),
    index("seat_claims_expiry_idx").on(t.expiresAt).where(sql`${t.holdId} IS NOT NULL`),
  ],
);

export type SeatClaimRow = typeof seatClaims.$inferSelect;
