import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, text, unique } from "drizzle-orm/pg-core";
import { id, instant, money, reference } from "./columns.ts";
import { holds } from "./holds.ts";
import { showtimes } from "./showtimes.ts";
import { users } from "./users.ts";

export type PaymentProviderName = "razorpay" | "stripe" | "dev";
export type PaymentOrderStatus = "created" | "paid";

/**
 * What we asked a payment provider to collect for one hold: a Razorpay order, a Stripe PaymentIntent or a
 * dev order. The amount is the hold's locked total; whatever the client says, this is what must arrive.
 */
export const paymentOrders = pgTable(
  "payment_orders",
  {
    id: id(),
    holdId: reference("hold_id", () => holds.id, "restrict"),
    userId: reference("user_id", () => users.id, "restrict"),
    showtimeId: reference("showtime_id", () => showtimes.id, "restrict"),
    provider: text("provider").$type<PaymentProviderName>().notNull(),
    providerOrderId: text("provider_order_id").notNull(),
    ...money(),
    status: text("status").$type<PaymentOrderStatus>().notNull().default("created"),
    /** What the client needs to open the provider's checkout again (Stripe's client secret, the dev pay path). */
    checkout: jsonb("checkout").$type<Record<string, string>>().notNull().default({}),
    createdAt: instant("created_at").notNull().defaultNow(),
    updatedAt: instant("updated_at").notNull().defaultNow(),
  },
  (t) => [
    unique("payment_orders_provider_order_key").on(t.provider, t.providerOrderId),
    // Asking twice for a hold's order answers the same order.
    unique("payment_orders_hold_provider_key").on(t.holdId, t.provider),
    check("payment_orders_provider_known", sql`${t.provider} IN ('razorpay','stripe','dev')`),
    check("payment_orders_status_known", sql`${t.status} IN ('created','paid')`),
    check("payment_orders_amount_positive", sql`${t.amount} > 0`),
    index("payment_orders_user_idx").on(t.userId),
  ],
);

export type PaymentOrderRow = typeof paymentOrders.$inferSelect;
