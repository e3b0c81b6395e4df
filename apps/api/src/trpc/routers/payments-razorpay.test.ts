import type { Booking, ErrorBody, OrderStatus, PaymentOrder } from "@boxoffice/contracts";
import { startFakeRazorpay } from "@boxoffice/testkit";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createHold,
  createOrder,
  paymentRowCounts,
  razorpayKeys,
  recordsOfOrder,
  retryRefundNow,
  sendWebhook,
  showtimeOnSale,
} from "../../test/booking-fixtures.ts";
import { forFile, registerAdmin, registerUser, serverForFile } from "../../test/harness.ts";

const fake = forFile(startFakeRazorpay);
const server = serverForFile(() => ({
  config: {
    rateLimitHoldsPerMin: 0,
    payments: {
      provider: "razorpay",
      razorpay: razorpayKeys(fake),
      stripe: undefined,
    },
  },
}));
let admin: string;
let webhookUrl: string;
beforeAll(async () => {
  webhookUrl = `${server.url}/api/payments/webhook`;
  admin = (await registerAdmin(server)).accessToken;
});
afterEach(() => {
  fake.clearFaults();
  fake.setWebhookUrl(undefined);
});

async function orderFor(token: string, seatIds: string[]) {
  const showtimeId = await showtimeOnSale(server, admin);
  const hold = await createHold(server, token, showtimeId, seatIds);
  const res = await server.http.post<PaymentOrder>("/api/payments/create-order", { holdId: hold.id }, token);
  expect(res.status).toBe(201);
  return { showtimeId, hold, order: res.body };
}

const confirm = (
  token: string,
  handler: { razorpay_order_id: string; razorpay_payment_id: string; razorpay_signature: string },
) =>
  server.http.post<Booking & ErrorBody>(
    "/api/bookings/confirm",
    {
      orderId: handler.razorpay_order_id,
      paymentId: handler.razorpay_payment_id,
      signature: handler.razorpay_signature,
    },
    token,
  );

describe("paying through Razorpay (a local stand-in, through the official SDK)", () => {
  it("creates a Razorpay order for the hold's locked amount, and Checkout's answer books the seats", async () => {
    const user = await registerUser(server);
    const { hold, order } = await orderFor(user.accessToken, ["A3", "B3"]);
    expect(order).toMatchObject({ provider: "razorpay", keyId: fake.keyId, amount: 48_000, currency: "INR" });
    expect(order.payUrl).toBeUndefined();
    expect(fake.orders.get(order.orderId)).toMatchObject({
      amount: 48_000,
      currency: "INR",
      receipt: hold.id,
    });

    fake.setWebhookUrl(webhookUrl);
    const handler = fake.pay(order.orderId);
    const booked = await confirm(user.accessToken, handler);
    expect(booked.status).toBe(200);
    expect(booked.body).toMatchObject({ status: "confirmed", seatIds: ["A3", "B3"], amount: 48_000 });
    // Razorpay's own webhooks (authorized, captured, order paid) arrive too: they add nothing.
    const deliveries = await fake.webhooksSettled();
    expect(deliveries.map((d) => d.status)).toEqual(deliveries.map(() => 200));
    const records = await recordsOfOrder(server, order.orderId);
    expect([records.payments.length, records.bookings.length, records.notifications.length]).toEqual([
      1, 1, 1,
    ]);
  });

  it("the webhook alone books it when the client never comes back", async () => {
    const user = await registerUser(server);
    const { order } = await orderFor(user.accessToken, ["C3"]);
    const handler = fake.pay(order.orderId);
    const captured = await fake.deliver(
      webhookUrl,
      fake.webhook("payment.captured", { paymentId: handler.razorpay_payment_id }),
    );
    expect(captured.status).toBe(200);
    const status = await server.http.get<OrderStatus>(
      `/api/payments/orders/${order.orderId}`,
      user.accessToken,
    );
    expect(status.body.status).toBe("paid");
    const paid = await fake.deliver(
      webhookUrl,
      fake.webhook("order.paid", { orderId: order.orderId, paymentId: handler.razorpay_payment_id }),
    );
    expect(JSON.parse(paid.responseBody ?? "{}")).toMatchObject({ outcome: "booked" });
  });

  it("Razorpay's signed body delivered again under a new X-Razorpay-Event-Id is a duplicate: one booking, one payment", async () => {
    const user = await registerUser(server);
    const { order } = await orderFor(user.accessToken, ["C2"]);
    const handler = fake.pay(order.orderId);
    const webhook = fake.webhook("payment.captured", { paymentId: handler.razorpay_payment_id });
    const first = await sendWebhook(server, webhook);
    expect(first.body).toMatchObject({ outcome: "booked", duplicate: false });
    const before = await paymentRowCounts(server);
    const replay = await sendWebhook(server, {
      body: webhook.body,
      headers: { ...webhook.headers, "X-Razorpay-Event-Id": "evt_someone_else_chose" },
    });
    expect(replay.body).toMatchObject({ duplicate: true, eventId: first.body.eventId });
    expect(await paymentRowCounts(server)).toEqual(before);
    const records = await recordsOfOrder(server, order.orderId);
    expect([records.payments.length, records.bookings.length]).toEqual([1, 1]);
  });

  it("through the tRPC client too, and an authorized payment is captured on confirmation", async () => {
    const user = await registerUser(server);
    const showtimeId = await showtimeOnSale(server, admin);
    const hold = await createHold(server, user.accessToken, showtimeId, ["A4"]);
    const trpc = server.trpc(user.accessToken);
    const order = await trpc.payments.createOrder.mutate({ holdId: hold.id });
    const handler = fake.pay(order.orderId, { capture: false });
    expect(fake.payments.get(handler.razorpay_payment_id)?.status).toBe("authorized");
    const booking = await trpc.bookings.confirm.mutate({
      orderId: handler.razorpay_order_id,
      paymentId: handler.razorpay_payment_id,
      signature: handler.razorpay_signature,
    });
    expect(booking.seatIds).toEqual(["A4"]);
    expect(fake.payments.get(handler.razorpay_payment_id)?.status).toBe("captured");
  });

  it("a tampered amount is refused and refunded through Razorpay with our refund id in its notes", async () => {
    const user = await registerUser(server);
    const { order } = await orderFor(user.accessToken, ["A1"]);
    const handler = fake.pay(order.orderId, { amount: 100 });
    const res = await confirm(user.accessToken, handler);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: "PAYMENT_REFUNDED",
      details: { reason: "amount_mismatch" },
    });
    const records = await recordsOfOrder(server, order.orderId);
    const [refund] = records.refunds;
    const sent = [...fake.refunds.values()].filter((r) => r.payment_id === handler.razorpay_payment_id);
    expect(sent).toMatchObject([{ amount: 100, notes: { refund_id: refund?.id } }]);
    expect(refund).toMatchObject({ status: "processed", providerRefundId: sent[0]?.id });
    // Razorpay's refund.processed webhook then changes nothing.
    const notice = await fake.deliver(
      webhookUrl,
      fake.webhook("refund.processed", { refundId: sent[0]?.id }),
    );
    expect(JSON.parse(notice.responseBody ?? "{}")).toMatchObject({ outcome: "refund_already_processed" });
  });

  it("a forged Checkout signature or webhook changes nothing", async () => {
    const user = await registerUser(server);
    const { order } = await orderFor(user.accessToken, ["B4"]);
    const handler = fake.pay(order.orderId);
    const before = await paymentRowCounts(server);
    const forged = await confirm(user.accessToken, { ...handler, razorpay_signature: "f".repeat(64) });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe("INVALID_SIGNATURE");
    const webhook = fake.webhook("payment.captured", { paymentId: handler.razorpay_payment_id });
    // Razorpay's genuine signature, over a body changed on the way: the raw-body check refuses it.
    const altered = JSON.parse(webhook.body) as { payload: { payment: { entity: { amount: number } } } };
    altered.payload.payment.entity.amount = 1;
    const tampered = await sendWebhook(server, { body: JSON.stringify(altered), headers: webhook.headers });
    expect(tampered.status).toBe(400);
    expect(tampered.body.error.code).toBe("INVALID_SIGNATURE");
    const unsigned = Object.fromEntries(
      Object.entries(webhook.headers).filter(([name]) => name.toLowerCase() !== "x-razorpay-signature"),
    );
    expect((await sendWebhook(server, { body: webhook.body, headers: unsigned })).status).toBe(400);
    expect(await paymentRowCounts(server)).toEqual(before);
    // The very same delivery, untouched, is accepted.
    expect((await sendWebhook(server, webhook)).status).toBe(200);
  });

  it("when Razorpay is down, create-order is a 502 that writes nothing, and a refund waits and is sent once", async () => {
    const user = await registerUser(server);
    const showtimeId = await showtimeOnSale(server, admin);
    const hold = await createHold(server, user.accessToken, showtimeId, ["C4"]);
    fake.failNext(/^\/v1\/orders$/, { status: 503 });
    const before = await paymentRowCounts(server);
    const down = await server.http.post<ErrorBody>(
      "/api/payments/create-order",
      { holdId: hold.id },
      user.accessToken,
    );
    expect(down.status).toBe(502);
    expect(down.body.error.code).toBe("PAYMENT_PROVIDER_ERROR");
    expect(await paymentRowCounts(server)).toEqual(before);

    const order = await createOrder(server, user.accessToken, hold.id);
    const handler = fake.pay(order.orderId, { amount: 555 });
    // The refund's first attempt is carried out by Razorpay but its answer is lost: a 5xx, outcome unknown.
    fake.loseAnswerNext(/\/refund$/, { status: 504 });
    const res = await confirm(user.accessToken, handler);
    expect(res.body.error.code).toBe("PAYMENT_REFUNDED");
    const [pending] = (await recordsOfOrder(server, order.orderId)).refunds;
    expect(pending).toMatchObject({ status: "pending", attempts: 1 });
    const [sent] = await retryRefundNow(server, order.orderId);
    expect(sent).toMatchObject({ status: "processed", attempts: 2 });
    // The retry found the first attempt's refund by our id in its notes instead of refunding again.
    expect(
      [...fake.refunds.values()].filter((r) => r.payment_id === handler.razorpay_payment_id),
    ).toHaveLength(1);
  });

  it("cancelling refunds the policy's share through Razorpay", async () => {
    const user = await registerUser(server);
    const { order } = await orderFor(user.accessToken, ["A2"]);
    const handler = fake.pay(order.orderId);
    const booking = (await confirm(user.accessToken, handler)).body;
    const cancelled = await server.http.post<Booking>(
      `/api/bookings/${booking.id}/cancel`,
      undefined,
      user.accessToken,
    );
    expect(cancelled.body).toMatchObject({
      status: "refunded",
      refund: { amount: 20_000, status: "processed" },
    });
    expect(
      [...fake.refunds.values()].filter((r) => r.payment_id === handler.razorpay_payment_id),
    ).toMatchObject([{ amount: 20_000, status: "processed" }]);
  });
});
