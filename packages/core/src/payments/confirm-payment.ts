import type { SeatUpdateEvent } from "@boxoffice/contracts";
import {
  bookings,
  holds,
  type PaymentOrderRow,
  type PaymentRow,
  paymentOrders,
  payments,
  type RefundReason,
  refunds,
  type Transaction,
} from "@boxoffice/db";
import { and, eq } from "drizzle-orm";
import { enqueueNotifications } from "../notifications/outbox.ts";
import { lockShowtime, seatsLostBy } from "../seating/claims.ts";
import type { PaymentsDeps } from "./deps.ts";
import { decidePayment } from "./payment-decision.ts";
import type { PaymentProviderName, ProviderPayment } from "./provider.ts";
import { applyStoredRefundEvents } from "./refund-events.ts";
import { processRefunds } from "./refunds.ts";
import { writeBooking } from "./write-booking.ts";

export type ConfirmOutcome =
  | { kind: "booked"; orderId: string; bookingId: string; paymentId: string }
  | { kind: "refunded"; orderId: string; paymentId: string; refundId: string; reason: RefundReason }
  | { kind: "failed"; orderId: string }
  | { kind: "pending"; orderId: string }
  | { kind: "unknown_order" };

interface Decided {
  outcome: ConfirmOutcome;
  event?: SeatUpdateEvent;
  /** A payment recorded for the first time: refund events that came before it can now be applied. */
  recorded?: { providerPaymentId: string };
}

/**
 * The one way a payment becomes a booking, called by the webhook and by the client's confirmation alike,
 * any number of times, in any order, concurrently: the first call that sees a succeeded payment decides
 * (booking, or a refund when the seats are gone, the amount is wrong or the order was already paid), and
 * every later call answers that same decision. It runs under the showtime's lock, as every transaction
 * that changes the showtime's seats does, and then the order's; the payment id is unique besides.
 */
export async function confirmPayment(
  deps: PaymentsDeps,
  provider: PaymentProviderName,
  payment: ProviderPayment,
  options: { awaitRefund?: boolean } = {},
): Promise<ConfirmOutcome> {
  const [order] = await deps.db
    .select()
    .from(paymentOrders)
    .where(
      and(eq(paymentOrders.provider, provider), eq(paymentOrders.providerOrderId, payment.providerOrderId)),
    );
  if (!order) {
    return { kind: "unknown_order" };
  }
  if (payment.status === "pending") {
    return { kind: "pending", orderId: order.id };
  }
  // A provider reporting a payment of nothing reports no payment: there is nothing to book with, nor any
  // money to send back (a refund of 0 is no refund, and the refunds table refuses one).
  if (payment.amount <= 0) {
    return { kind: "failed", orderId: order.id };
  }
  if (payment.status === "failed") {
    // A failure never overwrites a success recorded for the same payment id.
    await deps.db
      .insert(payments)
      .values({
        orderId: order.id,
        provider,
        providerPaymentId: payment.providerPaymentId,
        amount: payment.amount,
        currency: payment.currency,
        status: "failed",
      })
      .onConflictDoNothing();
    return { kind: "failed", orderId: order.id };
  }
  const decided = await deps.db.transaction((tx) => decide(deps, tx, order, provider, payment));
  if (decided.event) {
    await deps.bus.publish(decided.event);
  }
  if (decided.recorded) {
    await applyStoredRefundEvents(deps, provider, decided.recorded.providerPaymentId);
  }
  if (decided.outcome.kind === "refunded") {
    // A client waiting for its answer sees the refund sent; a webhook answers at once and the refund
    // goes out behind it (the refund job retries whatever this attempt does not finish).
    const sending = processRefunds(deps, { ids: [decided.outcome.refundId] });
    if (options.awaitRefund) {
      await sending;
    } else {
      sending.catch((err: unknown) =>
        deps.logger.error({ err }, "sending a refund failed: the refund job retries"),
      );
    }
  }
  return decided.outcome;
}

async function decide(
  deps: PaymentsDeps,
  tx: Transaction,
  unlocked: PaymentOrderRow,
  provider: PaymentProviderName,
  reported: ProviderPayment,
): Promise<Decided> {
  const now = deps.clock.now();
  // Showtime first, then the order: the lock order of every seat-changing transaction.
  const showtime = await lockShowtime(tx, unlocked.showtimeId, "confirmPayment");
  const [order] = await tx
    .select()
    .from(paymentOrders)
    .where(eq(paymentOrders.id, unlocked.id))
    .for("update");
  if (!showtime || !order) {
    return { outcome: { kind: "unknown_order" } };
  }

  const [existing] = await tx
    .select()
    .from(payments)
    .where(and(eq(payments.provider, provider), eq(payments.providerPaymentId, reported.providerPaymentId)));
  if (existing && existing.status !== "failed") {
    return { outcome: await outcomeOf(tx, order, existing) };
  }
  // A Stripe PaymentIntent keeps its id across attempts: a failed attempt (recorded without the showtime
  // lock, so possibly just now) may be followed by a success, which takes its row over.
  const [payment] = await tx
    .insert(payments)
    .values({
      orderId: order.id,
      provider,
      providerPaymentId: reported.providerPaymentId,
      amount: reported.amount,
      currency: reported.currency,
      status: "succeeded",
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [payments.provider, payments.providerPaymentId],
      set: { status: "succeeded", amount: reported.amount, currency: reported.currency, updatedAt: now },
      where: eq(payments.status, "failed"),
    })
    .returning();
  if (!payment) {
    throw new Error("payment row was neither written nor found");
  }
  const recorded = { providerPaymentId: payment.providerPaymentId };

  const [booked] = await tx.select({ id: bookings.id }).from(bookings).where(eq(bookings.orderId, order.id));
  const [hold] = await tx.select().from(holds).where(eq(holds.id, order.holdId));
  const decision = decidePayment({
    now,
    order,
    payment,
    orderBooked: booked !== undefined,
    hold,
    showtime,
    lostSeats: hold ? await seatsLostBy(tx, showtime.id, hold.seatIds, hold.id, now) : [],
  });
  if (decision.kind === "refund") {
    return { outcome: await refundWholePayment(tx, order, payment, decision.reason, now), recorded };
  }
  const booking = await writeBooking(tx, {
    order,
    payment,
    hold: decision.hold,
    showtime,
    now,
    ticketSecret: deps.ticketSecret,
  });
  return {
    outcome: { kind: "booked", orderId: order.id, bookingId: booking.bookingId, paymentId: payment.id },
    event: booking.event,
    recorded,
  };
}

/** What an earlier call decided for this payment. */
async function outcomeOf(
  tx: Transaction,
  order: PaymentOrderRow,
  payment: PaymentRow,
): Promise<ConfirmOutcome> {
  const [booking] = await tx
    .select({ id: bookings.id })
    .from(bookings)
    .where(eq(bookings.paymentId, payment.id));
  if (booking) {
    return { kind: "booked", orderId: order.id, bookingId: booking.id, paymentId: payment.id };
  }
  const [refund] = await tx
    .select({ id: refunds.id, reason: refunds.reason })
    .from(refunds)
    .where(eq(refunds.paymentId, payment.id))
    .limit(1);
  if (refund) {
    return {
      kind: "refunded",
      orderId: order.id,
      paymentId: payment.id,
      refundId: refund.id,
      reason: refund.reason,
    };
  }
  throw new Error(`payment ${payment.id} has neither a booking nor a refund`);
}

/** Money that cannot buy its seats goes back, whole; the user is told in the same transaction. */
async function refundWholePayment(
  tx: Transaction,
  order: PaymentOrderRow,
  payment: PaymentRow,
  reason: RefundReason,
  now: Date,
): Promise<ConfirmOutcome> {
  const [refund] = await tx
    .insert(refunds)
    .values({
      paymentId: payment.id,
      provider: payment.provider,
      amount: payment.amount,
      currency: payment.currency,
      reason,
      createdAt: now,
      nextAttemptAt: now,
    })
    .returning({ id: refunds.id });
  if (!refund) {
    throw new Error("refund row was not written");
  }
  await enqueueNotifications(tx, {
    kind: "payment_refunded",
    userId: order.userId,
    subjectId: payment.id,
    payload: { orderId: order.id, amount: payment.amount, currency: payment.currency, reason },
  });
  return { kind: "refunded", orderId: order.id, paymentId: payment.id, refundId: refund.id, reason };
}
