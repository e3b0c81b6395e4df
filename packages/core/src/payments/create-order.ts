import { randomUUID } from "node:crypto";
import { holds, type PaymentOrderRow, paymentOrders } from "@boxoffice/db";
import { and, eq } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import type { PaymentsDeps } from "./deps.ts";
import type { PaymentProvider } from "./provider.ts";

export interface OrderForHold {
  order: PaymentOrderRow;
  provider: PaymentProvider;
  holdExpiresAt: Date;
}

/**
 * The provider's order (or PaymentIntent) for one of the user's live holds, for the amount locked in
 * the hold. Asking again answers the same order; two requests racing for a new one agree on the one the
 * database kept. No database lock is held while the provider is called.
 */
export async function createOrderForHold(
  deps: PaymentsDeps,
  userId: string,
  holdId: string,
  flow: PaymentProvider["flow"],
): Promise<OrderForHold> {
  const provider = deps.providers.forFlow(flow);
  if (!provider) {
    throw new AppError(
      "PAYMENT_METHOD_DISABLED",
      flow === "intent"
        ? "Stripe is not enabled here: use /payments/create-order"
        : "Order-based checkout is not enabled here: use /payments/create-intent",
    );
  }
  const [hold] = await deps.db.select().from(holds).where(eq(holds.id, holdId));
  if (!hold || hold.userId !== userId) {
    throw new AppError("NOT_FOUND", "No such hold", { field: "holdId", id: holdId });
  }
  const now = deps.clock.now();
  if (hold.status === "converted") {
    throw new AppError("GONE", "This hold has been booked already", { status: hold.status });
  }
  if (hold.status !== "active" || hold.expiresAt <= now) {
    throw new AppError(
      hold.status === "active" || hold.status === "expired" ? "HOLD_EXPIRED" : "GONE",
      undefined,
      {
        status: hold.status === "active" ? "expired" : hold.status,
      },
    );
  }
  const existing = await orderOf(deps, hold.id, provider.name);
  if (existing) {
    return { order: existing, provider, holdExpiresAt: hold.expiresAt };
  }
  const orderId = randomUUID();
  const created = await provider.createOrder({
    orderId,
    holdId: hold.id,
    amount: hold.total,
    currency: hold.currency,
  });
  const [inserted] = await deps.db
    .insert(paymentOrders)
    .values({
      id: orderId,
      holdId: hold.id,
      userId,
      showtimeId: hold.showtimeId,
      provider: provider.name,
      providerOrderId: created.providerOrderId,
      amount: hold.total,
      currency: hold.currency,
      checkout: created.checkout,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: [paymentOrders.holdId, paymentOrders.provider] })
    .returning();
  const order = inserted ?? (await orderOf(deps, hold.id, provider.name));
  if (!order) {
    throw new Error(`order for hold ${hold.id} vanished`);
  }
  return { order, provider, holdExpiresAt: hold.expiresAt };
}

async function orderOf(deps: PaymentsDeps, holdId: string, provider: string) {
  const [order] = await deps.db
    .select()
    .from(paymentOrders)
    .where(
      and(
        eq(paymentOrders.holdId, holdId),
        eq(paymentOrders.provider, provider as PaymentOrderRow["provider"]),
      ),
    );
  return order;
}
