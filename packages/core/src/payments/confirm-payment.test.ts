import {
  bookings,
  holds,
  type PaymentOrderRow,
  paymentOrders,
  payments,
  refunds,
  showtimes,
} from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHold } from "../seating/create-hold.ts";
import { claimsOf, HOLD_TTL_SECONDS, newUser, showtimeOnSale, useSaleWorld } from "../test/sale.ts";
import { confirmPayment } from "./confirm-payment.ts";
import { createOrderForHold } from "./create-order.ts";

const world = useSaleWorld();

let payments_ = 0;

/** A customer holds seats and starts paying for them with the dev provider. */
async function orderFor(showtimeId: string, seatIds: string[]) {
  const userId = await newUser(world);
  const hold = await createHold(world.deps, userId, { showtimeId, seatIds });
  const { order } = await createOrderForHold(world.deps, userId, hold.id, "order");
  return { userId, hold, order };
}

/** The provider reports a succeeded payment of the order (of its amount unless told otherwise). */
const pay = (order: PaymentOrderRow, overrides: { amount?: number; providerPaymentId?: string } = {}) =>
  confirmPayment(
    world.deps,
    order.provider,
    {
      providerOrderId: order.providerOrderId,
      providerPaymentId: overrides.providerPaymentId ?? `dev_pay_core${++payments_}`,
      amount: overrides.amount ?? order.amount,
      currency: order.currency,
      status: "succeeded",
    },
    { awaitRefund: true },
  );

const orderStatus = async (id: string) =>
  (await world.handle.db.select().from(paymentOrders).where(eq(paymentOrders.id, id)))[0]?.status;
const bookingsOf = (orderId: string) =>
  world.handle.db.select().from(bookings).where(eq(bookings.orderId, orderId));
const refundsOf = async (paymentId: string) =>
  world.handle.db.select().from(refunds).where(eq(refunds.paymentId, paymentId));

describe("confirmPayment, called directly on a real database with a fixed clock", () => {
  it("books a live hold: the booking has its seats, the claims point at it, the order is paid", async () => {
    const showtime = await showtimeOnSale(world);
    const { hold, order, userId } = await orderFor(showtime.id, ["A2", "A1"]);
    const outcome = await pay(order);
    expect(outcome.kind).toBe("booked");
    const [booking] = await bookingsOf(order.id);
    expect(booking).toMatchObject({ userId, seatIds: ["A1", "A2"], amount: 40_000, status: "confirmed" });
    expect(outcome).toMatchObject({ bookingId: booking?.id });
    expect(await claimsOf(world, showtime.id)).toEqual([
      { seatId: "A1", holdId: null, bookingId: booking?.id, userId, expiresAt: null },
      { seatId: "A2", holdId: null, bookingId: booking?.id, userId, expiresAt: null },
    ]);
    expect(await orderStatus(order.id)).toBe("paid");
    const [after] = await world.handle.db.select().from(holds).where(eq(holds.id, hold.id));
    expect(after?.status).toBe("converted");
  });

  it("answers the same booking when the same payment is confirmed again, and books once", async () => {
    const showtime = await showtimeOnSale(world);
    const { order } = await orderFor(showtime.id, ["B1"]);
    const first = await pay(order, { providerPaymentId: "dev_pay_twice" });
    const again = await pay(order, { providerPaymentId: "dev_pay_twice" });
    expect(again).toEqual(first);
    expect(await bookingsOf(order.id)).toHaveLength(1);
  });

  it("refunds a second payment of a booked order in full as a duplicate, leaving the booking be", async () => {
    const showtime = await showtimeOnSale(world);
    const { order } = await orderFor(showtime.id, ["A3"]);
    const booked = await pay(order);
    const second = await pay(order);
    expect(second).toMatchObject({ kind: "refunded", reason: "duplicate_payment" });
    const [refund] = await refundsOf(second.kind === "refunded" ? second.paymentId : "");
    expect(refund).toMatchObject({ amount: order.amount, reason: "duplicate_payment", status: "processed" });
    const [booking] = await bookingsOf(order.id);
    expect(booking?.id).toBe(booked.kind === "booked" ? booked.bookingId : "");
    expect(await orderStatus(order.id)).toBe("paid");
  });

  it("refunds a payment of the wrong amount, books nothing, and the hold keeps its seats", async () => {
    const showtime = await showtimeOnSale(world);
    const { order, hold } = await orderFor(showtime.id, ["A4"]);
    const outcome = await pay(order, { amount: order.amount - 1 });
    expect(outcome).toMatchObject({ kind: "refunded", reason: "amount_mismatch" });
    const [refund] = await refundsOf(outcome.kind === "refunded" ? outcome.paymentId : "");
    expect(refund).toMatchObject({ amount: order.amount - 1, reason: "amount_mismatch" });
    expect(await bookingsOf(order.id)).toEqual([]);
    expect((await claimsOf(world, showtime.id)).map((c) => [c.seatId, c.holdId])).toEqual([["A4", hold.id]]);
    expect(await orderStatus(order.id)).not.toBe("paid");
  });

  it("refunds the money of a second provider's order once the hold was booked through the first", async () => {
    const showtime = await showtimeOnSale(world);
    const { order } = await orderFor(showtime.id, ["A5"]);
    // The same hold's order at another provider (a customer who started with both).
    const [other] = await world.handle.db
      .insert(paymentOrders)
      .values({ ...order, id: undefined, provider: "stripe", providerOrderId: "pi_core_other" })
      .returning();
    await pay(order);
    if (!other) {
      throw new Error("no second order");
    }
    const surplus = await pay(other);
    expect(surplus).toMatchObject({ kind: "refunded", reason: "duplicate_payment" });
    const [refund] = await refundsOf(surplus.kind === "refunded" ? surplus.paymentId : "");
    expect(refund).toMatchObject({ amount: other.amount, reason: "duplicate_payment" });
    expect(await bookingsOf(other.id)).toEqual([]);
  });

  it("books a lapsed hold whose seats nobody took, while the showtime still sells", async () => {
    const showtime = await showtimeOnSale(world);
    const { order, userId } = await orderFor(showtime.id, ["B2"]);
    world.clock.advance((HOLD_TTL_SECONDS + 60) * 1000);
    const outcome = await pay(order);
    expect(outcome.kind).toBe("booked");
    expect(await claimsOf(world, showtime.id)).toMatchObject([{ seatId: "B2", holdId: null, userId }]);
  });

  it("refunds a late payment whose seats another customer holds now, and leaves their hold alone", async () => {
    const showtime = await showtimeOnSale(world);
    const { order } = await orderFor(showtime.id, ["B3", "B4"]);
    world.clock.advance((HOLD_TTL_SECONDS + 60) * 1000);
    const rival = await newUser(world);
    const theirs = await createHold(world.deps, rival, { showtimeId: showtime.id, seatIds: ["B4"] });
    const outcome = await pay(order);
    expect(outcome).toMatchObject({ kind: "refunded", reason: "late_payment" });
    const [refund] = await refundsOf(outcome.kind === "refunded" ? outcome.paymentId : "");
    expect(refund).toMatchObject({ amount: order.amount, reason: "late_payment" });
    expect(await bookingsOf(order.id)).toEqual([]);
    const b4 = (await claimsOf(world, showtime.id)).find((c) => c.seatId === "B4");
    expect(b4).toMatchObject({ holdId: theirs.id, userId: rival, bookingId: null });
  });

  it("refunds a lapsed hold's payment after sales closed, and one for a cancelled showtime", async () => {
    const showtime = await showtimeOnSale(world);
    const lapsing = await orderFor(showtime.id, ["A6"]);
    const cancelled = await orderFor(showtime.id, ["B5"]);
    world.clock.set(new Date(showtime.salesCloseAt.getTime() + 1000));
    const late = await pay(lapsing.order);
    expect(late).toMatchObject({ kind: "refunded", reason: "late_payment" });
    await world.handle.db.update(showtimes).set({ status: "cancelled" }).where(eq(showtimes.id, showtime.id));
    const off = await pay(cancelled.order);
    expect(off).toMatchObject({ kind: "refunded", reason: "late_payment" });
    for (const outcome of [late, off]) {
      const [refund] = await refundsOf(outcome.kind === "refunded" ? outcome.paymentId : "");
      expect(refund).toMatchObject({ amount: 20_000, reason: "late_payment" });
    }
    expect(await bookingsOf(lapsing.order.id)).toEqual([]);
    const [paid] = await world.handle.db
      .select()
      .from(payments)
      .where(eq(payments.orderId, lapsing.order.id));
    expect(paid).toMatchObject({ status: "refunded", refundedAmount: 20_000 });
  });
});
