import type { OrderStatus } from "@boxoffice/contracts";
import { bookings, paymentOrders, payments, refunds } from "@boxoffice/db";
import { and, desc, eq, inArray } from "drizzle-orm";
import { AppError } from "../shared/errors.ts";
import type { PaymentsDeps } from "./deps.ts";

/** The caller's order by the provider's id, among the providers enabled here; anyone else's is a 404. */
export async function findOwnOrder(
  deps: PaymentsDeps,
  userId: string,
  providerOrderId: string,
  field: string,
) {
  const enabled = ["razorpay", "stripe", "dev"].filter((name) => deps.providers.get(name));
  const [order] = await deps.db
    .select()
    .from(paymentOrders)
    .where(
      and(
        eq(paymentOrders.providerOrderId, providerOrderId),
        inArray(paymentOrders.provider, enabled as Array<"razorpay" | "stripe" | "dev">),
      ),
    );
  if (!order || order.userId !== userId) {
    throw new AppError("NOT_FOUND", "No such order", { field, id: providerOrderId });
  }
  return order;
}

/** Where the caller's order stands: polled by a client that paid and waits for the webhook. */
export async function getOrder(
  deps: PaymentsDeps,
  userId: string,
  providerOrderId: string,
): Promise<OrderStatus> {
  const order = await findOwnOrder(deps, userId, providerOrderId, "orderId");
  const [booking] = await deps.db
    .select({ id: bookings.id })
    .from(bookings)
    .where(eq(bookings.orderId, order.id));
  let status: OrderStatus["status"] = booking ? "paid" : "created";
  if (!booking) {
    const [latest] = await deps.db
      .select({ status: payments.status, refundId: refunds.id })
      .from(payments)
      .leftJoin(refunds, eq(refunds.paymentId, payments.id))
      .where(eq(payments.orderId, order.id))
      .orderBy(desc(payments.createdAt))
      .limit(1);
    if (latest?.refundId) {
      status = "refunded";
    } else if (latest?.status === "failed") {
      status = "failed";
    }
  }
  return {
    orderId: order.providerOrderId,
    provider: order.provider,
    status,
    amount: order.amount,
    currency: order.currency,
    bookingId: booking?.id ?? null,
  };
}
