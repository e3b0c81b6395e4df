import type { SeatUpdateEvent } from "@boxoffice/contracts";
import { bookings, holds, payments, refunds, seatClaims, type Transaction } from "@boxoffice/db";
import { and, eq } from "drizzle-orm";
import { enqueueNotifications } from "../notifications/outbox.ts";
import { bumpSeatVersion } from "../seating/manage-hold.ts";

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
      refundAmount: bookings.amount,
      updatedAt: now,
    })
    .where(and(eq(bookings.showtimeId, showtimeId), eq(bookings.status, "confirmed")))
    .returning();
  const refundIds: string[] = [];
  for (const booking of cancelled) {
    const [payment] = await tx
      .select({ provider: payments.provider })
      .from(payments)
      .where(eq(payments.id, booking.paymentId));
    if (!payment) {
      throw new Error(`booking ${booking.id} has no payment`);
    }
    const [refund] = await tx
      .insert(refunds)
      .values({
        paymentId: booking.paymentId,
        bookingId: booking.id,
        provider: payment.provider,
        amount: booking.amount,
        currency: booking.currency,
        reason: "showtime_cancelled",
        createdAt: now,
        nextAttemptAt: now,
      })
      .returning({ id: refunds.id });
    if (refund) {
      refundIds.push(refund.id);
    }
    await enqueueNotifications(tx, {
      kind: "booking_cancelled",
      userId: booking.userId,
      subjectId: booking.id,
      payload: {
        bookingId: booking.id,
        reference: booking.reference,
        refundAmount: booking.amount,
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
  const freed = await tx
    .delete(seatClaims)
    .where(eq(seatClaims.showtimeId, showtimeId))
    .returning({ seatId: seatClaims.seatId });
  if (freed.length === 0) {
    return { refundIds, event: undefined };
  }
  const version = await bumpSeatVersion(tx, showtimeId);
  return {
    refundIds,
    event: {
      showtimeId,
      version,
      seats: freed.map((f) => ({ seatId: f.seatId, status: "available" as const })),
    },
  };
}
