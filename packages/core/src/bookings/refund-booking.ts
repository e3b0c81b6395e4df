import { type BookingRow, payments, type RefundReason, refunds, type Transaction } from "@boxoffice/db";
import { eq } from "drizzle-orm";

/**
 * Writes the refund of a booking being cancelled, inside the caller's transaction: `wanted`, but never
 * more than what of its payment has not gone back already (a partial refund in the provider's dashboard
 * counts). Returns the refund to send, if any is due, and the amount that will really go back.
 */
export async function writeBookingRefund(
  tx: Transaction,
  booking: BookingRow,
  wanted: number,
  reason: RefundReason,
  now: Date,
): Promise<{ refundId: string | undefined; amount: number }> {
  const [payment] = await tx
    .select({ provider: payments.provider, amount: payments.amount, refundedAmount: payments.refundedAmount })
    .from(payments)
    .where(eq(payments.id, booking.paymentId));
  if (!payment) {
    throw new Error(`booking ${booking.id} has no payment`);
  }
  const amount = Math.max(0, Math.min(wanted, payment.amount - payment.refundedAmount));
  if (amount === 0) {
    return { refundId: undefined, amount };
  }
  const [refund] = await tx
    .insert(refunds)
    .values({
      paymentId: booking.paymentId,
      bookingId: booking.id,
      provider: payment.provider,
      amount,
      currency: booking.currency,
      reason,
      createdAt: now,
      nextAttemptAt: now,
    })
    .returning({ id: refunds.id });
  return { refundId: refund?.id, amount };
}
