import type { ConfirmBookingInput } from "@boxoffice/contracts";
import { confirmPayment } from "../payments/confirm-payment.ts";
import type { PaymentsDeps } from "../payments/deps.ts";
import { findOwnOrder } from "../payments/get-order.ts";
import type { ClientConfirmation } from "../payments/provider.ts";
import { AppError, invalidField } from "../shared/errors.ts";
import type { BookingRecord } from "./booking-view.ts";
import { bookingById } from "./get-booking.ts";

/**
 * The client's side of a payment: what Checkout handed it (or the PaymentIntent id) is checked with the
 * provider, then the same idempotent confirmation the webhook runs decides. The answer is the booking,
 * whichever of the two made it.
 */
export async function confirmBooking(
  deps: PaymentsDeps,
  userId: string,
  input: ConfirmBookingInput,
): Promise<BookingRecord> {
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
  const order = await findOwnOrder(
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
