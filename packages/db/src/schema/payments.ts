import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { type PaymentProviderName, paymentOrders } from "./payment-orders.ts";

export type PaymentStatus = "succeeded" | "failed" | "refunded";

/**
 * One payment the provider reported for an order, recorded once whatever path reported it (webhook or
 * client confirmation, in any order, any number of times): (provider, provider_payment_id) is unique.
 */
export const payments = pgTable(
  "payments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => paymentOrders.id, { onDelete: "restrict" }),
    provider: text("provider").$type<PaymentProviderName>().notNull(),
    providerPaymentId: text("provider_payment_id").notNull(),
    /** What the provider says it collected, minor units: compared with the order, never trusted over it. */
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<PaymentStatus>().notNull(),
    /** Sum of processed refunds. */
    refundedAmount: integer("refunded_amount").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("payments_provider_payment_key").on(t.provider, t.providerPaymentId),
    check("payments_status_known", sql`${t.status} IN ('succeeded','failed','refunded')`),
    check("payments_refund_bounded", sql`${t.refundedAmount} >= 0 AND ${t.refundedAmount} <= ${t.amount}`),
    index("payments_order_idx").on(t.orderId),
  ],
);

export type PaymentRow = typeof payments.$inferSelect;
