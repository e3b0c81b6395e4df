import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { instant, money, reference } from "./columns.ts";
import { holds } from "./holds.ts";
import { paymentOrders } from "./payment-orders.ts";
import { payments } from "./payments.ts";
import { showtimes } from "./showtimes.ts";
import type { CancellationPolicy } from "./theaters.ts";
import { users } from "./users.ts";

export type BookingStatus = "confirmed" | "cancelled" | "refunded";
export type CancelledBy = "user" | "staff" | "showtime_cancelled" | "external_refund";

/**
 * A paid booking. It owns its seats through `seat_claims.booking_id`; one hold, one order and one
 * payment make at most one booking (each is unique here), whatever races happened on the way.
 */
export const bookings = pgTable(
  "bookings",
  {
    id: uuid("id").primaryKey(),
    /** Short and human: what a customer reads out at the counter (BO-7K3P9Q). */
    reference: text("reference").notNull(),
    userId: reference("user_id", () => users.id, "restrict"),
    showtimeId: reference("showtime_id", () => showtimes.id, "restrict"),
    holdId: reference("hold_id", () => holds.id, "restrict"),
    orderId: reference("order_id", () => paymentOrders.id, "restrict"),
    paymentId: reference("payment_id", () => payments.id, "restrict"),
    seatIds: text("seat_ids").array().notNull(),
    /** Minor units per seat id, as locked in the hold. */
    prices: jsonb("prices").$type<Record<string, number>>().notNull(),
    ...money(),
    status: text("status").$type<BookingStatus>().notNull().default("confirmed"),
    /** The theater's policy when the booking was bought: later policy changes do not reach it. */
    cancellationPolicy: jsonb("cancellation_policy").$type<CancellationPolicy>().notNull(),
    /** Signed, for the door scanner; fixed at purchase so a key rotation does not void printed tickets. */
    qrPayload: text("qr_payload").notNull(),
    refundAmount: integer("refund_amount").notNull().default(0),
    cancelledAt: instant("cancelled_at"),
    cancelledBy: text("cancelled_by").$type<CancelledBy>(),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [
    unique("bookings_reference_key").on(t.reference),
    unique("bookings_hold_key").on(t.holdId),
    unique("bookings_order_key").on(t.orderId),
    unique("bookings_payment_key").on(t.paymentId),
    check("bookings_status_known", sql`${t.status} IN ('confirmed','cancelled','refunded')`),
    check("bookings_refund_bounded", sql`${t.refundAmount} >= 0 AND ${t.refundAmount} <= ${t.amount}`),
    index("bookings_user_created_idx").on(t.userId, t.createdAt),
    index("bookings_showtime_idx").on(t.showtimeId),
  ],
);

export type BookingRow = typeof bookings.$inferSelect;
