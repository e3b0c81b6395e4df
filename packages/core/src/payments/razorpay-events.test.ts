import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AppError } from "../shared/errors.ts";
import { readRazorpayEvent } from "./razorpay-events.ts";

const captured = (entity: Record<string, unknown>, event = "payment.captured") =>
  JSON.stringify({
    entity: "event",
    event,
    payload: {
      payment: {
        entity: {
          id: "pay_Nf0A1b2C3d4E5f",
          order_id: "order_Nf0A1b2C3d4E5f",
          amount: 40_000,
          currency: "INR",
          status: "captured",
          ...entity,
        },
      },
    },
  });

const codeOf = (run: () => unknown) => {
  try {
    run();
    return "read";
  } catch (err) {
    return err instanceof AppError ? err.code : String(err);
  }
};

describe("reading a verified Razorpay (or dev) event", () => {
  it("reads a captured payment", () => {
    const event = readRazorpayEvent(captured({}));
    expect(event).toMatchObject({ kind: "payment", payment: { providerOrderId: "order_Nf0A1b2C3d4E5f" } });
  });

  it("turns away ids and names that are not, such as half a surrogate pair, which the event's JSON column refuses", () => {
    expect(codeOf(() => readRazorpayEvent(captured({ order_id: "x\ud83d" })))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => readRazorpayEvent(captured({ id: "pay_\u0000" })))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => readRazorpayEvent(captured({ currency: "\udc00NR" })))).toBe("VALIDATION_FAILED");
    expect(codeOf(() => readRazorpayEvent(captured({}, "payment.\ud800")))).toBe("VALIDATION_FAILED");
  });

  it("names an event by its name and the entity it is about, so the same signed body is the same event", () => {
    expect(readRazorpayEvent(captured({})).eventId).toBe("payment.captured:pay_Nf0A1b2C3d4E5f");
    // Another delivery of the same payment's capture, even with other bytes, is the same event.
    expect(readRazorpayEvent(captured({ method: "upi" })).eventId).toBe(
      "payment.captured:pay_Nf0A1b2C3d4E5f",
    );
    // Different events about one payment stay apart.
    expect(readRazorpayEvent(captured({ status: "failed" }, "payment.failed")).eventId).toBe(
      "payment.failed:pay_Nf0A1b2C3d4E5f",
    );
    const orderPaid = (withOrder: boolean) =>
      JSON.stringify({
        event: "order.paid",
        payload: {
          ...JSON.parse(captured({})).payload,
          ...(withOrder ? { order: { entity: { id: "order_FromTheOrder1", status: "paid" } } } : {}),
        },
      });
    expect(readRazorpayEvent(orderPaid(true)).eventId).toBe("order.paid:order_FromTheOrder1");
    expect(readRazorpayEvent(orderPaid(false)).eventId).toBe("order.paid:order_Nf0A1b2C3d4E5f");
    const refund = (event: string) =>
      JSON.stringify({
        event,
        payload: {
          refund: { entity: { id: "rfnd_Nf0A1b2C3d4E5f", payment_id: "pay_Nf0A1b2C3d4E5f", amount: 100 } },
        },
      });
    expect(readRazorpayEvent(refund("refund.processed")).eventId).toBe(
      "refund.processed:rfnd_Nf0A1b2C3d4E5f",
    );
    expect(readRazorpayEvent(refund("refund.failed")).eventId).toBe("refund.failed:rfnd_Nf0A1b2C3d4E5f");
  });

  it("names any other event by its body's hash, whatever its name", () => {
    for (const event of ["payment.dispute.created", "constructor", "__proto__", "toString"]) {
      const body = captured({}, event);
      expect(readRazorpayEvent(body).eventId).toBe(
        `sha256:${createHash("sha256").update(body).digest("hex")}`,
      );
    }
    const noEntity = JSON.stringify({ event: "payment.captured", payload: {} });
    expect(readRazorpayEvent(noEntity).eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
