import type { SeatUpdateEvent } from "@boxoffice/contracts";
import { bookings, holds, type Transaction } from "@boxoffice/db";
import { and, eq } from "drizzle-orm";
import type { CancelSales } from "../catalog/showtimes.ts";
import { enqueueNotifications } from "../notifications/outbox.ts";
import type { PaymentsDeps } from "../payments/deps.ts";
import { processRefunds } from "../payments/refunds.ts";
import { bumpSeatVersion, releaseShowtimeClaims } from "../seating/claims.ts";
import { writeBookingRefund } from "./refund-booking.ts";

/**
 * Inside the transaction that cancels a showtime (which holds its row lock): every confirmed booking is
 * cancelled with a full refund and its owner told, live holds end, and every seat is freed. Returns the
 * refunds to send and the seat event to announce once the transaction commits.
 */
export async function cancelShowtimeBookings(
  tx: Transaction,
  showtimeId: string,
  now: Date,
): Promise<{ refundIds: string[]; event: SeatUpdateEvent | undefined }> {
  const cancelled = await tx
    .update(bookings)
    .set({
      status: "cancelled",
      cancelledAt: now,
      cancelledBy: "showtime_cancelled",
      updatedAt: now,
    })
    .where(and(eq(bookings.showtimeId, showtimeId), eq(bookings.status, "confirmed")))
    .returning();
  const refundIds: string[] = [];
  for (const booking of cancelled) {
    const refund = await writeBookingRefund(tx, booking, booking.amount, "showtime_cancelled", now);
    await tx.update(bookings).set({ refundAmount: refund.amount }).where(eq(bookings.id, booking.id));
    if (refund.refundId) {
      refundIds.push(refund.refundId);
    }
    await enqueueNotifications(tx, {
      kind: "booking_cancelled",
      userId: booking.userId,
      subjectId: booking.id,
      payload: {
        bookingId: booking.id,
        reference: booking.reference,
        refundAmount: refund.amount,
        refundPercent: 100,
        currency: booking.currency,
        reason: "showtime_cancelled",
      },
    });
  }
  await tx
    .update(holds)
    .set({ status: "released", closedAt: now })
    .where(and(eq(holds.showtimeId, showtimeId), eq(holds.status, "active")));
  const freed = await releaseShowtimeClaims(tx, showtimeId);
  if (freed.length === 0) {
    return { refundIds, event: undefined };
  }
  const version = await bumpSeatVersion(tx, showtimeId);
  return {
    refundIds,
    event: {
      showtimeId,
      version,
      seats: freed.map((seatId) => ({ seatId, status: "available" as const })),
    },
  };
}

/**
 * The bookings side of cancelling a showtime, for catalog's updateShowtime: every booking cancelled and
 * refunded in full inside its transaction; once it commits, the freed seats announced and the refunds sent
 * in the background (many may be due; the refund job retries whatever fails).
 */
export function cancelSalesOf(
  deps: Pick<PaymentsDeps, "db" | "clock" | "bus" | "providers" | "logger">,
): CancelSales {
  return async (tx, showtimeId, now) => {
    const { refundIds, event } = await cancelShowtimeBookings(tx, showtimeId, now);
    return async () => {
      if (event) {
        await deps.bus.publish(event);
      }
      if (refundIds.length > 0) {
        processRefunds(deps, { ids: refundIds, limit: refundIds.length }).catch((err: unknown) =>
          deps.logger.error({ err, showtimeId }, "sending the refunds of a cancelled showtime failed"),
        );
      }
    };
  };
}
