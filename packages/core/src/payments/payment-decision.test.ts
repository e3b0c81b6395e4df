import type { HoldStatus } from "@boxoffice/db";
import { describe, expect, it } from "vitest";
import { decidePayment, type PaymentFacts } from "./payment-decision.ts";

const now = new Date("2030-01-01T10:00:00Z");
const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
const hold: { status: HoldStatus; expiresAt: Date } = { status: "active", expiresAt: later(5) };

/** A payment that books: the right amount, a live hold, a showtime on sale, its seats its own. */
const facts = (overrides: Partial<PaymentFacts<typeof hold>> = {}): PaymentFacts<typeof hold> => ({
  now,
  order: { amount: 40_000, currency: "INR" },
  payment: { amount: 40_000, currency: "INR" },
  orderBooked: false,
  hold,
  showtime: { status: "on_sale", endAt: later(300), salesCloseAt: later(120) },
  lostSeats: [],
  ...overrides,
});

describe("what a succeeded payment buys", () => {
  it("the right amount for a live hold whose seats are its own books that hold", () => {
    expect(decidePayment(facts())).toEqual({ kind: "book", hold });
  });

  it("a lapsed hold whose seats nobody took still books while the showtime sells", () => {
    const lapsed = { status: "active" as const, expiresAt: later(-1) };
    expect(decidePayment(facts({ hold: lapsed }))).toEqual({ kind: "book", hold: lapsed });
  });

  it("a live hold books after sales closed, until the show ends", () => {
    const closed = { status: "on_sale", endAt: later(60), salesCloseAt: later(-1) };
    expect(decidePayment(facts({ showtime: closed }))).toMatchObject({ kind: "book" });
  });

  it("a second payment of an order that is booked goes back as a duplicate", () => {
    expect(decidePayment(facts({ orderBooked: true }))).toEqual({
      kind: "refund",
      reason: "duplicate_payment",
      cause: "order_already_booked",
    });
  });

  it("a payment of another amount or currency than the order's goes back", () => {
    const expected = { kind: "refund", reason: "amount_mismatch", cause: "amount_mismatch" };
    expect(decidePayment(facts({ payment: { amount: 39_999, currency: "INR" } }))).toEqual(expected);
    expect(decidePayment(facts({ payment: { amount: 40_000, currency: "USD" } }))).toEqual(expected);
  });

  it("a hold booked through another order makes this payment a duplicate", () => {
    expect(decidePayment(facts({ hold: { status: "converted", expiresAt: later(5) } }))).toEqual({
      kind: "refund",
      reason: "duplicate_payment",
      cause: "hold_converted",
    });
  });

  it("a payment whose hold is gone is late", () => {
    expect(decidePayment(facts({ hold: undefined }))).toEqual({
      kind: "refund",
      reason: "late_payment",
      cause: "hold_gone",
    });
  });

  it("a cancelled or ended showtime, or a lapsed hold after sales closed, makes the payment late", () => {
    const late = { kind: "refund", reason: "late_payment", cause: "sales_over" };
    const on = { status: "on_sale", endAt: later(300), salesCloseAt: later(120) };
    expect(decidePayment(facts({ showtime: { ...on, status: "cancelled" } }))).toEqual(late);
    expect(decidePayment(facts({ showtime: { ...on, endAt: now } }))).toEqual(late);
    expect(
      decidePayment(
        facts({
          hold: { status: "expired", expiresAt: later(-10) },
          showtime: { ...on, salesCloseAt: now },
        }),
      ),
    ).toEqual(late);
  });

  it("a payment whose seats someone else has now is late", () => {
    expect(decidePayment(facts({ lostSeats: ["A1"] }))).toEqual({
      kind: "refund",
      reason: "late_payment",
      cause: "seats_lost",
    });
  });
});
