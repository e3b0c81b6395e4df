import type { Booking, ConfirmBookingInput, OrderStatus } from "@boxoffice/contracts";
import { bookings, paymentOrders, payments, refunds } from "@boxoffice/db";
import { and, desc, eq, inArray } from "drizzle-orm";
import { bookingById } from "../bookings/get-booking.ts";
import { AppError, invalidField } from "../shared/errors.ts";
import { confirmPayment } from "./confirm-payment.ts";
import type { PaymentsDeps } from "./deps.ts";
import type { ClientConfirmation } from "./provider.ts";

/** The caller's order by the provider's id, among the providers enabled here; anyone else's is a 404. */
async function ownOrder(deps: PaymentsDeps, userId: string, providerOrderId: string, field: string) {
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

/**
 * The client's side of a payment: what Checkout handed it (or the PaymentIntent id) is checked with the
 * provider, then the same idempotent confirmation the webhook runs decides. The answer is the booking,
 * whichever of the two made it.
 */
export async function confirmFromClient(
  deps: PaymentsDeps,
  userId: string,
  input: ConfirmBookingInput,
): Promise<Booking> {
  const confirmation: ClientConfirmation =
    input.paymentIntentId !== undefined
      ? { kind: "intent", paymentIntentId: input.paymentIntentId }
      : {
          kind: "checkout",
          orderId: input.orderId ?? "",
          paymentId: input.paymentId ?? "",
          signature: input.signature ?? "",
        };
  const byIntent = confirmation.kind === "intent";
  const order = await ownOrder(
    deps,
    userId,
    confirmation.kind === "intent" ? confirmation.paymentIntentId : confirmation.orderId,
    byIntent ? "paymentIntentId" : "orderId",
  );
  const provider = deps.providers.get(order.provider);
  if (!provider || (provider.flow === "intent") !== byIntent) {
    throw invalidField(
      byIntent ? "paymentIntentId" : "orderId",
      byIntent ? "send orderId, paymentId and signature" : "send paymentIntentId",
      "Invalid input: this order is confirmed with other fields",
    );
  }
  const payment = await provider.verifyClientPayment(confirmation);
  if (payment.providerOrderId !== order.providerOrderId) {
    throw new AppError("INVALID_SIGNATURE", "This payment belongs to another order");
  }
  const outcome = await confirmPayment(deps, provider.name, payment, { awaitRefund: true });
  switch (outcome.kind) {
    case "booked":
      return bookingById(deps.db, outcome.bookingId);
    case "refunded":
      throw new AppError("PAYMENT_REFUNDED", refundMessage(outcome.reason), {
        reason: outcome.reason,
        orderId: order.providerOrderId,
      });
    case "failed":
      throw new AppError("PAYMENT_FAILED", undefined, { orderId: order.providerOrderId });
    case "pending":
      throw new AppError("PAYMENT_PENDING", undefined, { orderId: order.providerOrderId });
    default:
      throw new AppError("NOT_FOUND", "No such order", { field: "orderId", id: order.providerOrderId });
  }
}

function refundMessage(reason: string): string {
  switch (reason) {
    case "amount_mismatch":
      return "The amount paid does not match the order: it is being refunded in full";
    case "duplicate_payment":
      return "This order was already paid: this second payment is being refunded in full";
    default:
      return "The payment arrived after these seats were lost: it is being refunded in full";
  }
}

/** Where the caller's order stands: polled by a client that paid and waits for the webhook. */
export async function orderStatus(
  deps: PaymentsDeps,
  userId: string,
  providerOrderId: string,
): Promise<OrderStatus> {
  const order = await ownOrder(deps, userId, providerOrderId, "orderId");
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
