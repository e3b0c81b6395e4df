import type { SeatUpdateEvent } from "@boxoffice/contracts";
import {
  bookings,
  type PaymentRow,
  payments,
  type RefundRow,
  refunds,
  type Transaction,
  webhookEvents,
} from "@boxoffice/db";
import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { bumpSeatVersion, lockShowtime, releaseBookingClaims } from "../seating/claims.ts";
import type { PaymentsDeps } from "./deps.ts";
import type { PaymentProviderName, ProviderRefundEvent, RefundNotice } from "./provider.ts";
import { markRefundProcessed } from "./refunds.ts";

export type RefundEventOutcome =
  | "refund_processed"
  | "refund_already_processed"
  | "refund_failed"
  | "external_refund"
  | "unmatched_refund"
  | "ignored";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Deps = Pick<PaymentsDeps, "db" | "clock" | "bus" | "logger" | "providers">;

function paymentIdOf(notice: RefundNotice): string {
  return notice.kind === "refund" ? notice.refund.providerPaymentId : notice.providerPaymentId;
}

/**
 * A provider says money of a payment went back (or a refund failed). Each refund is matched by the id we
 * gave the provider (notes, metadata) or by the provider's own refund id, never by its amount: an unknown
 * refund is one we never asked for (made in the provider's dashboard) and is recorded as `external`; if it
 * gives back the whole payment, the booking it paid for is void and its seats go back on sale. A notice
 * that only says a payment's refunds changed is read back from the provider refund by refund. A notice
 * about a payment not seen yet is `unmatched`, kept, and applied when the payment arrives.
 */
export async function applyRefundNotice(
  deps: Deps,
  provider: PaymentProviderName,
  notice: RefundNotice,
): Promise<RefundEventOutcome> {
  const [payment] = await deps.db
    .select()
    .from(payments)
    .where(and(eq(payments.provider, provider), eq(payments.providerPaymentId, paymentIdOf(notice))));
  if (!payment) {
    return "unmatched_refund";
  }
  let reported: ProviderRefundEvent[];
  if (notice.kind === "refund") {
    reported = [notice.refund];
  } else {
    const source = deps.providers.get(provider);
    if (!source?.refundsOf) {
      return "ignored";
    }
    reported = await source.refundsOf(payment.providerPaymentId);
  }
  if (reported.length === 0) {
    return "ignored";
  }
  const [booking] = await deps.db
    .select({ id: bookings.id, showtimeId: bookings.showtimeId })
    .from(bookings)
    .where(eq(bookings.paymentId, payment.id));
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    if (booking) {
      // Voiding the booking frees seats: the showtime lock comes first, as in every seat change.
      await lockShowtime(tx, booking.showtimeId, "applyRefundNotice");
    }
    const ofPayment = await tx.select().from(refunds).where(eq(refunds.paymentId, payment.id)).for("update");
    const outcomes: RefundEventOutcome[] = [];
    for (const refund of reported) {
      outcomes.push(await settleOne(deps, tx, payment, ofPayment, refund, now));
    }
    const outcome = combine(outcomes);
    if (outcome !== "external_refund" || !booking) {
      return { outcome };
    }
    deps.logger.warn({ paymentId: payment.id }, "a refund made outside boxoffice was recorded");
    return { outcome, event: await voidIfFullyRefunded(tx, payment.id, booking, now) };
  });
  if (result.event) {
    await deps.bus.publish(result.event);
  }
  return result.outcome;
}

function combine(outcomes: RefundEventOutcome[]): RefundEventOutcome {
  const order: RefundEventOutcome[] = [
    "external_refund",
    "refund_failed",
    "refund_processed",
    "refund_already_processed",
    "ignored",
  ];
  return order.find((o) => outcomes.includes(o)) ?? "ignored";
}

async function settleOne(
  deps: Deps,
  tx: Transaction,
  payment: PaymentRow,
  ofPayment: RefundRow[],
  event: ProviderRefundEvent,
  now: Date,
): Promise<RefundEventOutcome> {
  const ours =
    ofPayment.find(
      (r) => event.refundId !== undefined && UUID.test(event.refundId) && r.id === event.refundId,
    ) ?? ofPayment.find((r) => r.providerRefundId === event.providerRefundId);
  if (ours) {
    if (event.status === "failed") {
      const [failed] = await tx
        .update(refunds)
        .set({ status: "failed", lastError: "the provider reported the refund failed", leaseUntil: null })
        .where(and(eq(refunds.id, ours.id), inArray(refunds.status, ["pending", "submitted"])))
        .returning({ id: refunds.id });
      if (failed) {
        deps.logger.error({ refundId: ours.id }, "the provider reports a refund failed: needs a person");
      }
      return "refund_failed";
    }
    await tx
      .update(refunds)
      .set({ providerRefundId: event.providerRefundId })
      .where(and(eq(refunds.id, ours.id), isNull(refunds.providerRefundId)));
    return (await markRefundProcessed(tx, ours.id, now)) ? "refund_processed" : "refund_already_processed";
  }
  if (event.status === "failed") {
    return "ignored";
  }
  return recordExternal(tx, payment, event.providerRefundId, event.amount, now);
}

async function recordExternal(
  tx: Transaction,
  payment: PaymentRow,
  providerRefundId: string,
  amount: number,
  now: Date,
): Promise<RefundEventOutcome> {
  const [current] = await tx.select().from(payments).where(eq(payments.id, payment.id));
  const room = (current?.amount ?? 0) - (current?.refundedAmount ?? 0);
  if (room <= 0) {
    return "refund_already_processed";
  }
  const [external] = await tx
    .insert(refunds)
    .values({
      paymentId: payment.id,
      provider: payment.provider,
      providerRefundId,
      amount: Math.min(amount, room),
      currency: payment.currency,
      reason: "external",
      status: "submitted",
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: refunds.id });
  if (!external) {
    return "refund_already_processed";
  }
  await markRefundProcessed(tx, external.id, now);
  return "external_refund";
}

async function voidIfFullyRefunded(
  tx: Transaction,
  paymentId: string,
  booking: { id: string; showtimeId: string },
  now: Date,
): Promise<SeatUpdateEvent | undefined> {
  const [paid] = await tx.select().from(payments).where(eq(payments.id, paymentId));
  if (!paid || paid.refundedAmount < paid.amount) {
    return undefined;
  }
  const [voided] = await tx
    .update(bookings)
    .set({
      status: "refunded",
      refundAmount: paid.amount,
      cancelledAt: now,
      cancelledBy: "external_refund",
      updatedAt: now,
    })
    .where(and(eq(bookings.id, booking.id), eq(bookings.status, "confirmed")))
    .returning({ id: bookings.id });
  if (!voided) {
    return undefined;
  }
  const freed = await releaseBookingClaims(tx, booking.id);
  const version = await bumpSeatVersion(tx, booking.showtimeId);
  return {
    showtimeId: booking.showtimeId,
    version,
    seats: freed.map((seatId) => ({ seatId, status: "available" as const })),
  };
}

/** Refund notices that arrived before their payment, applied now that the payment is recorded. */
export async function applyStoredRefundEvents(
  deps: Deps,
  provider: PaymentProviderName,
  providerPaymentId: string,
) {
  const waiting = await deps.db
    .select()
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.provider, provider),
        eq(webhookEvents.outcome, "unmatched_refund"),
        or(
          sql`${webhookEvents.payload} -> 'refund' ->> 'providerPaymentId' = ${providerPaymentId}`,
          sql`${webhookEvents.payload} ->> 'providerPaymentId' = ${providerPaymentId}`,
        ),
      ),
    )
    .orderBy(asc(webhookEvents.receivedAt));
  for (const row of waiting) {
    const notice = row.payload as unknown as RefundNotice;
    const outcome = await applyRefundNotice(deps, provider, notice);
    await deps.db
      .update(webhookEvents)
      .set({ outcome, processedAt: deps.clock.now() })
      .where(and(eq(webhookEvents.provider, row.provider), eq(webhookEvents.eventId, row.eventId)));
  }
}
