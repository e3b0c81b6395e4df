import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, unique } from "drizzle-orm/pg-core";
import { id, instant, money, reference } from "./columns.ts";
import { type PaymentProviderName, paymentOrders } from "./payment-orders.ts";

export type PaymentStatus = "succeeded" | "failed" | "refunded";

/**
 * One payment the provider reported for an order, recorded once whatever path reported it (webhook or
 * client confirmation, in any order, any number of times): (provider, provider_payment_id) is unique.
 */
export const payments = pgTable(
  "payments",
  {
    id: id(),
    orderId: reference("order_id", () => paymentOrders.id, "restrict"),
    provider: text("provider").$type<PaymentProviderName>().notNull(),
    providerPaymentId: text("provider_payment_id").notNull(),
    /** What the provider says it collected, minor units: compared with the order, never trusted over it. */
    ...money(),
    status: text("status").$type<PaymentStatus>().notNull(),
    /** Sum of processed refunds. */
    refundedAmount: integer("refunded_amount").notNull().default(0),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [
    unique("payments_provider_payment_key").on(t.provider, t.providerPaymentId),
    check("payments_status_known", sql`${t.status} IN ('succeeded','failed','refunded')`),
    check("payments_refund_bounded", sql`${t.refundedAmount} >= 0 AND ${t.refundedAmount} <= ${t.amount}`),
    index("payments_order_idx").on(t.orderId),
  ],
);

export type PaymentRow = typeof payments.$inferSelect;
