import { bookings } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import type { AccessClaims } from "../auth/tokens.ts";
import { enqueueNotifications } from "../notifications/outbox.ts";
import type { PaymentsDeps } from "../payments/deps.ts";
import { processRefunds } from "../payments/refunds.ts";
import { bumpSeatVersion, lockShowtime, releaseBookingClaims } from "../seating/claims.ts";
import { AppError } from "../shared/errors.ts";
import type { BookingRecord } from "./booking-view.ts";
import { bookingById, findBookingView } from "./get-booking.ts";
import { writeBookingRefund } from "./refund-booking.ts";
import { quoteRefund } from "./refund-policy.ts";

/** What cancelling now would give back, under the policy the booking was bought with. */
export async function getCancellationQuote(
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
 * refund the policy allows (all of it when an admin cancels) is written in the same transaction and then
 * sent to the provider, and the user is told. Cancelling a booking that is no longer confirmed changes nothing and answers it as it is.
 */
export async function cancelBooking(
  deps: PaymentsDeps,
  viewer: AccessClaims,
  id: string,
): Promise<BookingRecord> {
  const view = await findBookingView(deps.db, viewer, id);
  // Staff check tickets at the door; only the customer, or an admin on their behalf, cancels one.
  if (view.booking.userId !== viewer.userId && !viewer.roles.includes("admin")) {
    throw new AppError("FORBIDDEN", "Only the customer or an admin can cancel a booking");
  }
  const outcome = await deps.db.transaction(async (tx) => {
    const showtime = await lockShowtime(tx, view.booking.showtimeId, "cancelBooking");
    const [booking] = await tx.select().from(bookings).where(eq(bookings.id, id)).for("update");
    if (!showtime || !booking || booking.status !== "confirmed") {
      return undefined;
    }
    const now = deps.clock.now();
    const quote = quoteRefund(booking.cancellationPolicy, showtime.startAt, now, booking.amount);
    if (!quote.cancellable) {
      throw new AppError("CANCELLATION_CLOSED", undefined, { showStartedAt: showtime.startAt.toISOString() });
    }
    // An admin cancelling for the customer refunds everything; the customer gets what the policy allows.
    const byOwner = viewer.userId === booking.userId;
    const wanted = byOwner ? quote.refundAmount : booking.amount;
    const { refundId, amount: refundAmount } = await writeBookingRefund(
      tx,
      booking,
      wanted,
      "cancellation",
      now,
    );
    await tx
      .update(bookings)
      .set({
        status: "cancelled",
        refundAmount,
        cancelledAt: now,
        cancelledBy: byOwner ? "user" : "staff",
        updatedAt: now,
      })
      .where(eq(bookings.id, id));
    const freed = await releaseBookingClaims(tx, id);
    await enqueueNotifications(tx, {
      kind: "booking_cancelled",
      userId: booking.userId,
      subjectId: id,
      payload: {
        bookingId: id,
        reference: booking.reference,
        refundAmount,
        refundPercent: byOwner ? quote.refundPercent : 100,
        currency: booking.currency,
      },
    });
    const version = await bumpSeatVersion(tx, showtime.id);
    return {
      refundId,
      event: {
        showtimeId: showtime.id,
        version,
        seats: freed.map((seatId) => ({ seatId, status: "available" as const })),
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
