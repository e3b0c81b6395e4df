import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, unique, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { bookings } from "./bookings.ts";
import { id, instant, money, reference } from "./columns.ts";
import type { PaymentProviderName } from "./payment-orders.ts";
import { payments } from "./payments.ts";

export type RefundReason =
  | "cancellation"
  | "showtime_cancelled"
  | "late_payment"
  | "amount_mismatch"
  | "duplicate_payment"
  | "external";
/** pending: decided, not yet accepted by the provider; submitted: accepted, not final; then processed or failed. */
export type RefundStatus = "pending" | "submitted" | "processed" | "failed";

/**
 * Money going back. The row is written in the same transaction as the decision (a cancellation, a late
 * payment), so a crash before the provider call loses nothing: the refund job sends what is pending, and
 * the provider is told our id so a retry never refunds twice.
 */
export const refunds = pgTable(
  "refunds",
  {
    id: id(),
    paymentId: reference("payment_id", () => payments.id, "restrict"),
    bookingId: uuid("booking_id").references(() => bookings.id, { onDelete: "restrict" }),
    provider: text("provider").$type<PaymentProviderName>().notNull(),
    providerRefundId: text("provider_refund_id"),
    ...money(),
    reason: text("reason").$type<RefundReason>().notNull(),
    status: text("status").$type<RefundStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    /** While a process is sending it to the provider; a crashed sender's lease runs out and another retries. */
    leaseUntil: instant("lease_until"),
    nextAttemptAt: instant("next_attempt_at").notNull().defaultNow(),
    createdAt: instant("created_at").notNull().defaultNow(),
    processedAt: instant("processed_at"),
  },
  (t) => [
    unique("refunds_provider_refund_key").on(t.provider, t.providerRefundId),
    // A booking is refunded once; cancelling twice finds the first refund.
    uniqueIndex("refunds_booking_key").on(t.bookingId).where(sql`${t.bookingId} IS NOT NULL`),
    check(
      "refunds_reason_known",
      sql`${t.reason} IN ('cancellation','showtime_cancelled','late_payment','amount_mismatch','duplicate_payment','external')`,
    ),
    check("refunds_status_known", sql`${t.status} IN ('pending','submitted','processed','failed')`),
    check("refunds_amount_positive", sql`${t.amount} > 0`),
    index("refunds_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("refunds_payment_idx").on(t.paymentId),
  ],
);

export type RefundRow = typeof refunds.$inferSelect;
