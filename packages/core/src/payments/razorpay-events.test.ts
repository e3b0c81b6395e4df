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
    const event = readRazorpayEvent(captured({}), new Headers({ "x-razorpay-event-id": "evt_1" }));
    expect(event).toMatchObject({ kind: "payment", payment: { providerOrderId: "order_Nf0A1b2C3d4E5f" } });
  });

  it("turns away ids and names that are not, such as half a surrogate pair, which the event's JSON column refuses", () => {
    const headers = new Headers();
    expect(codeOf(() => readRazorpayEvent(captured({ order_id: "x\ud83d" }), headers))).toBe(
      "VALIDATION_FAILED",
    );
    expect(codeOf(() => readRazorpayEvent(captured({ id: "pay_\u0000" }), headers))).toBe(
      "VALIDATION_FAILED",
    );
    expect(codeOf(() => readRazorpayEvent(captured({ currency: "\udc00NR" }), headers))).toBe(
      "VALIDATION_FAILED",
    );
    expect(codeOf(() => readRazorpayEvent(captured({}, "payment.\ud800"), headers))).toBe(
      "VALIDATION_FAILED",
    );
  });
});
