import type { Booking } from "@boxoffice/contracts";
import { bookings, payments, refunds, seatClaims, showtimes } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import type { AccessClaims } from "../auth/tokens.ts";
import { enqueueNotifications } from "../notifications/outbox.ts";
import type { PaymentsDeps } from "../payments/deps.ts";
import { processRefunds } from "../payments/refunds.ts";
import { bumpSeatVersion } from "../seating/manage-hold.ts";
import { AppError } from "../shared/errors.ts";
import { bookingById, findBookingView } from "./get-booking.ts";
import { quoteRefund } from "./refund-policy.ts";

/** What cancelling now would give back, under the policy the booking was bought with. */
export async function cancellationQuote(
  deps: Pick<PaymentsDeps, "db" | "clock">,
  viewer: AccessClaims,
  id: string,
) {
  const row = await findBookingView(deps.db, viewer, id);
  const quote = quoteRefund(
    row.booking.cancellationPolicy,
    row.startAt,
    deps.clock.now(),
    row.booking.amount,
  );
  return {
    bookingId: id,
    ...quote,
    cancellable: quote.cancellable && row.booking.status === "confirmed",
    currency: row.booking.currency,
    policy: row.booking.cancellationPolicy,
    showStartsAt: row.startAt.toISOString(),
  };
}

/**
 * Cancels a confirmed booking before its show starts: its seats are free at once (and announced), the
 * refund the policy allows is written in the same transaction and then sent to the provider, and the user
 * is told. Cancelling a booking that is no longer confirmed changes nothing and answers it as it is.
 */
export async function cancelBooking(deps: PaymentsDeps, viewer: AccessClaims, id: string): Promise<Booking> {
  const view = await findBookingView(deps.db, viewer, id);
  const outcome = await deps.db.transaction(async (tx) => {
    const [showtime] = await tx
      .select({ id: showtimes.id, startAt: showtimes.startAt })
      .from(showtimes)
      .where(eq(showtimes.id, view.booking.showtimeId))
      .for("no key update");
    const [booking] = await tx.select().from(bookings).where(eq(bookings.id, id)).for("update");
    if (!showtime || !booking || booking.status !== "confirmed") {
      return undefined;
    }
    const now = deps.clock.now();
    const quote = quoteRefund(booking.cancellationPolicy, showtime.startAt, now, booking.amount);
    if (!quote.cancellable) {
      throw new AppError("CANCELLATION_CLOSED", undefined, { showStartedAt: showtime.startAt.toISOString() });
    }
    await tx
      .update(bookings)
      .set({
        status: "cancelled",
        refundAmount: quote.refundAmount,
        cancelledAt: now,
        cancelledBy: viewer.userId === booking.userId ? "user" : "staff",
        updatedAt: now,
      })
      .where(eq(bookings.id, id));
    const freed = await tx
      .delete(seatClaims)
      .where(eq(seatClaims.bookingId, id))
      .returning({ seatId: seatClaims.seatId });
    let refundId: string | undefined;
    if (quote.refundAmount > 0) {
      const [payment] = await tx
        .select({ provider: payments.provider })
        .from(payments)
        .where(eq(payments.id, booking.paymentId));
      if (!payment) {
        throw new Error(`booking ${id} has no payment`);
      }
      const [refund] = await tx
        .insert(refunds)
        .values({
          paymentId: booking.paymentId,
          bookingId: id,
          provider: payment.provider,
          amount: quote.refundAmount,
          currency: booking.currency,
          reason: "cancellation",
          createdAt: now,
          nextAttemptAt: now,
        })
        .returning({ id: refunds.id });
      refundId = refund?.id;
    }
    await enqueueNotifications(tx, {
      kind: "booking_cancelled",
      userId: booking.userId,
      subjectId: id,
      payload: {
        bookingId: id,
        reference: booking.reference,
        refundAmount: quote.refundAmount,
        refundPercent: quote.refundPercent,
        currency: booking.currency,
      },
    });
    const version = await bumpSeatVersion(tx, showtime.id);
    return {
      refundId,
      event: {
        showtimeId: showtime.id,
        version,
        seats: freed.map((f) => ({ seatId: f.seatId, status: "available" as const })),
      },
    };
  });
  if (outcome) {
    await deps.bus.publish(outcome.event);
    if (outcome.refundId) {
      await processRefunds(deps, { ids: [outcome.refundId] });
    }
  }
  return bookingById(deps.db, id);
}
