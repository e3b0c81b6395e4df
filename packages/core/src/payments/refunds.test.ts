import { payments, refunds } from "@boxoffice/db";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createHold } from "../seating/create-hold.ts";
import { newUser, type SaleWorld, showtimeOnSale, useSaleWorld } from "../test/sale.ts";
import { confirmPayment } from "./confirm-payment.ts";
import { createOrderForHold } from "./create-order.ts";
import { paymentProviders } from "./provider.ts";
import { MAX_REFUND_ATTEMPTS, processRefunds } from "./refunds.ts";

const world = useSaleWorld();

type Deps = SaleWorld["deps"];

/** A payment of the wrong amount: its refund is written and sent (through `deps`'s providers) at once. */
async function refundDue(seat: string, amount: number, deps: Deps = world.deps) {
  const showtime = await showtimeOnSale(world);
  const userId = await newUser(world);
  const hold = await createHold(deps, userId, { showtimeId: showtime.id, seatIds: [seat] });
  const { order } = await createOrderForHold(deps, userId, hold.id, "order");
  const outcome = await confirmPayment(
    deps,
    "dev",
    {
      providerOrderId: order.providerOrderId,
      providerPaymentId: `dev_pay_refund_${seat}`,
      amount,
      currency: order.currency,
      status: "succeeded",
    },
    { awaitRefund: true },
  );
  if (outcome.kind !== "refunded") {
    throw new Error(`expected a refund, got ${outcome.kind}`);
  }
  return outcome;
}

function dev() {
  const provider = world.deps.providers.get("dev");
  if (!provider) {
    throw new Error("the dev provider is configured");
  }
  return provider;
}

const refundRow = async (id: string) =>
  (await world.handle.db.select().from(refunds).where(eq(refunds.id, id)))[0];

describe("sending refunds, called directly on a real database with a fixed clock", () => {
  it("a due refund goes to the provider once and is counted on its payment", async () => {
    const outcome = await refundDue("A1", 19_999);
    // Sending it again finds nothing due: the provider is asked once.
    expect(await processRefunds(world.deps, { ids: [outcome.refundId] })).toEqual({
      processed: 0,
      submitted: 0,
      failed: 0,
    });
    expect(await refundRow(outcome.refundId)).toMatchObject({
      status: "processed",
      amount: 19_999,
      reason: "amount_mismatch",
      attempts: 1,
    });
    const [payment] = await world.handle.db.select().from(payments).where(eq(payments.id, outcome.paymentId));
    expect(payment).toMatchObject({ status: "refunded", refundedAmount: 19_999 });
  });

  it("a provider that fails leaves the refund pending, backs off, and gives up after the last attempt", async () => {
    const failing = {
      ...world.deps,
      providers: paymentProviders({
        ...dev(),
        async refund() {
          throw new Error("provider down");
        },
      }),
    };
    const outcome = await refundDue("A2", 19_998, failing);
    const first = await refundRow(outcome.refundId);
    expect(first).toMatchObject({ status: "pending", attempts: 1, lastError: "provider down" });
    // Not due again until its back-off has passed.
    expect(await processRefunds(failing, { ids: [outcome.refundId] })).toMatchObject({ failed: 0 });
    for (let attempt = 2; attempt <= MAX_REFUND_ATTEMPTS; attempt++) {
      world.clock.advance(3_600_000);
      await processRefunds(failing, { ids: [outcome.refundId] });
    }
    expect(await refundRow(outcome.refundId)).toMatchObject({
      status: "failed",
      attempts: MAX_REFUND_ATTEMPTS,
    });
  });
});
