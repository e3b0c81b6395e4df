import { randomBytes } from "node:crypto";
import type { ErrorBody } from "@boxoffice/contracts";
import { type FakeRazorpay, type FakeStripe, startFakeRazorpay, startFakeStripe } from "@boxoffice/testkit";
import { TRPCClientError } from "@trpc/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createHold,
  createOrder,
  razorpayKeys,
  showtimeOnSale,
  stripeKeys,
} from "../test/booking-fixtures.ts";
import {
  captureLogs,
  registerAdmin,
  registerUser,
  startTestServer,
  type TestServer,
} from "../test/harness.ts";

let razorpay: FakeRazorpay;
let stripe: FakeStripe;
let server: TestServer;
let admin: string;
const logs = captureLogs();
beforeAll(async () => {
  razorpay = await startFakeRazorpay();
  stripe = await startFakeStripe();
  server = await startTestServer({
    logger: logs.logger,
    config: {
      rateLimitHoldsPerMin: 0,
      payments: {
        provider: "razorpay",
        razorpay: razorpayKeys(razorpay),
        stripe: stripeKeys(stripe),
      },
    },
  });
  admin = (await registerAdmin(server)).accessToken;
});
afterEach(() => {
  razorpay.clearFaults();
  stripe.clearFaults();
});
afterAll(async () => {
  await server?.close();
  await razorpay?.close();
  await stripe?.close();
});

/** Text no part of boxoffice could have written: if a client sees it, it came from the provider. */
const providerText = (who: string) => `${who} internal: shard ${randomBytes(6).toString("hex")} is on fire`;

async function heldSeat(token: string, seat: string) {
  const showtimeId = await showtimeOnSale(server, admin);
  return createHold(server, token, showtimeId, [seat]);
}

/** Every log line about the request, as the operator reads them. */
const linesOf = (requestId: string | undefined) =>
  logs.lines
    .filter((line) => requestId !== undefined && line.requestId === requestId)
    .map((l) => JSON.stringify(l));

describe("a payment provider's error text", () => {
  it("never reaches a REST client: it gets our code and message, and the log gets the provider's words with the request id", async () => {
    const user = await registerUser(server);
    const hold = await heldSeat(user.accessToken, "A1");
    const text = providerText("Razorpay");
    razorpay.failNext(/^\/v1\/orders$/, { status: 503, message: text });
    const res = await server.http.post<ErrorBody>(
      "/api/payments/create-order",
      { holdId: hold.id },
      user.accessToken,
    );
    expect(res.status).toBe(502);
    expect(res.body.error).toEqual({
      code: "PAYMENT_PROVIDER_ERROR",
      message: "Razorpay could not create the order: try again",
      requestId: res.headers.get("x-request-id"),
    });
    expect(JSON.stringify(res.body)).not.toContain("shard");
    const logged = linesOf(res.body.error.requestId);
    expect(logged.some((line) => line.includes(text) && line.includes('"level":50'))).toBe(true);
  });

  it("never reaches a tRPC client either", async () => {
    const user = await registerUser(server);
    const hold = await heldSeat(user.accessToken, "A2");
    const text = providerText("Razorpay");
    razorpay.failNext(/^\/v1\/orders$/, { status: 500, message: text });
    const err = await server
      .trpc(user.accessToken)
      .payments.createOrder.mutate({ holdId: hold.id })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCClientError);
    const data = (err as TRPCClientError<never>).data as unknown as {
      code: string;
      details?: unknown;
      requestId: string;
    };
    expect(data.code).toBe("PAYMENT_PROVIDER_ERROR");
    expect(data.details).toBeUndefined();
    expect(JSON.stringify({ message: (err as Error).message, data })).not.toContain("shard");
    expect(linesOf(data.requestId).some((line) => line.includes(text))).toBe(true);
  });

  it("from Razorpay while confirming a payment stays in the log", async () => {
    const user = await registerUser(server);
    const hold = await heldSeat(user.accessToken, "A3");
    const order = await createOrder(server, user.accessToken, hold.id);
    const handler = razorpay.pay(order.orderId);
    const text = providerText("Razorpay");
    razorpay.failNext(/^\/v1\/payments\//, { status: 502, message: text });
    const res = await server.http.post<ErrorBody>(
      "/api/bookings/confirm",
      {
        orderId: handler.razorpay_order_id,
        paymentId: handler.razorpay_payment_id,
        signature: handler.razorpay_signature,
      },
      user.accessToken,
    );
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({ code: "PAYMENT_PROVIDER_ERROR" });
    expect(res.body.error.details).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain("shard");
    expect(linesOf(res.body.error.requestId).some((line) => line.includes(text))).toBe(true);
  });

  it("from Stripe (through its SDK's retry) stays in the log too", async () => {
    const user = await registerUser(server);
    const hold = await heldSeat(user.accessToken, "A4");
    const text = providerText("Stripe");
    stripe.failNext(/^\/v1\/payment_intents$/, { times: 2, status: 500, message: text });
    const res = await server.http.post<ErrorBody>(
      "/api/payments/create-intent",
      { holdId: hold.id },
      user.accessToken,
    );
    expect(res.status).toBe(502);
    expect(res.body.error).toMatchObject({
      code: "PAYMENT_PROVIDER_ERROR",
      message: "Stripe could not create the payment: try again",
    });
    expect(res.body.error.details).toBeUndefined();
    expect(JSON.stringify(res.body)).not.toContain("shard");
    expect(linesOf(res.body.error.requestId).some((line) => line.includes(text))).toBe(true);
  });
});
