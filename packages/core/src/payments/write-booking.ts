import { randomUUID } from "node:crypto";
import type { SeatUpdateEvent } from "@boxoffice/contracts";
import {
  bookings,
  type CancellationPolicy,
  type HoldRow,
  holds,
  type PaymentOrderRow,
  type PaymentRow,
  paymentOrders,
  type Transaction,
} from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { enqueueNotifications } from "../notifications/outbox.ts";
import { bumpSeatVersion, claimForBooking } from "../seating/claims.ts";
import { signTicket, type TicketKey } from "../tickets/index.ts";
import { newBookingReference } from "./booking-reference.ts";

export interface BookingToWrite {
  order: PaymentOrderRow;
  payment: PaymentRow;
  hold: HoldRow;
  showtime: { id: string; cancellationPolicy: CancellationPolicy };
  now: Date;
  ticketSecret: TicketKey;
}

/**
 * What a payment decided to book becomes, inside confirmPayment's transaction: the booking with its
 * signed ticket, its hold's seats claimed for it, the hold converted, the order paid, the user told and
 * the seat version bumped. Returns the seat event to announce once it commits.
 */
export async function writeBooking(
  tx: Transaction,
  { order, payment, hold, showtime, now, ticketSecret }: BookingToWrite,
): Promise<{ bookingId: string; event: SeatUpdateEvent }> {
  const bookingId = randomUUID();
  const reference = await insertBooking(tx, {
    id: bookingId,
    userId: order.userId,
    showtimeId: showtime.id,
    holdId: hold.id,
    orderId: order.id,
    paymentId: payment.id,
    seatIds: hold.seatIds,
    prices: hold.prices,
    amount: order.amount,
    currency: order.currency,
    cancellationPolicy: showtime.cancellationPolicy,
    qrPayload: (ref) =>
      signTicket({ bookingId, reference: ref, showtimeId: showtime.id, seatIds: hold.seatIds }, ticketSecret),
    createdAt: now,
  });
  const taken = await claimForBooking(
    tx,
    { showtimeId: showtime.id, userId: order.userId, seatIds: hold.seatIds, prices: hold.prices, now },
    { bookingId, holdId: hold.id },
  );
  if (taken.length !== hold.seatIds.length) {
    // Checked by the decision under the showtime lock: only a bug gets here, and the transaction rolls back.
    throw new Error(`booking ${bookingId} could not take all its seats`);
  }
  await tx.update(holds).set({ status: "converted", closedAt: now }).where(eq(holds.id, hold.id));
  await tx
    .update(paymentOrders)
    .set({ status: "paid", updatedAt: now })
    .where(eq(paymentOrders.id, order.id));
  await enqueueNotifications(tx, {
    kind: "booking_confirmed",
    userId: order.userId,
    subjectId: bookingId,
    payload: { bookingId, reference, showtimeId: showtime.id, seatIds: hold.seatIds, amount: order.amount },
  });
  const version = await bumpSeatVersion(tx, showtime.id);
  return {
    bookingId,
    event: {
      showtimeId: showtime.id,
      version,
      seats: hold.seatIds.map((seatId) => ({ seatId, status: "booked" as const })),
    },
  };
}

type NewBooking = Omit<typeof bookings.$inferInsert, "reference" | "qrPayload"> & {
  id: string;
  qrPayload: (reference: string) => string;
};

/** Inserts the booking under a fresh reference, drawing again on the rare clash. */
async function insertBooking(tx: Transaction, booking: NewBooking): Promise<string> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const reference = newBookingReference();
    const inserted = await tx
      .insert(bookings)
      .values({
        ...booking,
        reference,
        qrPayload: booking.qrPayload(reference),
        updatedAt: booking.createdAt,
      })
      .onConflictDoNothing({ target: bookings.reference })
      .returning({ id: bookings.id });
    if (inserted.length > 0) {
      return reference;
    }
  }
  throw new Error("no free booking reference after 10 draws");
}
