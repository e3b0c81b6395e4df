import type { HoldStatus, RefundReason } from "@boxoffice/db";

/** Everything the decision reads, gathered under the showtime's and the order's locks. */
interface DecidedHold {
  status: HoldStatus;
  expiresAt: Date;
}

export interface PaymentFacts<Hold extends DecidedHold = DecidedHold> {
  now: Date;
  order: { amount: number; currency: string };
  /** What the provider says was paid. */
  payment: { amount: number; currency: string };
  /** The order has a booking already (an earlier payment of it was booked). */
  orderBooked: boolean;
  /** The order's hold; undefined when it is gone. */
  hold: Hold | undefined;
  showtime: { status: string; endAt: Date; salesCloseAt: Date };
  /** Seats of the hold someone else now has (claims.ts's seatsLostBy). */
  lostSeats: string[];
}

/** Why money goes back: each refund branch of the decision, for tests and logs. */
export type RefundCause =
  | "order_already_booked"
  | "amount_mismatch"
  | "hold_converted"
  | "hold_gone"
  | "sales_over"
  | "seats_lost";

export type Refund = { kind: "refund"; reason: RefundReason; cause: RefundCause };
export type PaymentDecision<Hold extends DecidedHold = DecidedHold> = { kind: "book"; hold: Hold } | Refund;

const refund = (reason: RefundReason, cause: RefundCause): Refund => ({ kind: "refund", reason, cause });

/**
 * What a succeeded payment, seen for the first time, buys: its hold's seats, or its money back. No I/O:
 * confirmPayment gathers the facts under the locks and writes what this says.
 */
export function decidePayment<Hold extends DecidedHold>(facts: PaymentFacts<Hold>): PaymentDecision<Hold> {
  const { now, order, payment, hold, showtime } = facts;
  if (facts.orderBooked) {
    return refund("duplicate_payment", "order_already_booked");
  }
  if (payment.amount !== order.amount || payment.currency !== order.currency) {
    return refund("amount_mismatch", "amount_mismatch");
  }
  if (hold?.status === "converted") {
    // Booked through another order of the same hold (a second provider): this money is surplus.
    return refund("duplicate_payment", "hold_converted");
  }
  if (!hold) {
    return refund("late_payment", "hold_gone");
  }
  const holdLive = hold.status === "active" && hold.expiresAt > now;
  // A live hold was sold inside the sale window and keeps its seats; a lapsed one is only honoured while
  // the showtime is still selling (a booking made after the show started could never be cancelled).
  if (
    showtime.status === "cancelled" ||
    now >= showtime.endAt ||
    (!holdLive && now >= showtime.salesCloseAt)
  ) {
    return refund("late_payment", "sales_over");
  }
  // Late payments are common (Checkout cannot stop a payment once the hold lapses): the seats are still
  // ours if this hold has them, or nobody does, or only a hold that has lapsed.
  if (facts.lostSeats.length > 0) {
    return refund("late_payment", "seats_lost");
  }
  return { kind: "book", hold };
}
