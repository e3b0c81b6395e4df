import type { Booking, ErrorBody } from "@boxoffice/contracts";
import { createStripeSdk, stripeWebhookSignatureHeader } from "@boxoffice/core";
import { startFakeStripe } from "@boxoffice/testkit";
import { beforeAll, describe, expect, it } from "vitest";
import {
  createHold,
  paymentRowCounts,
  recordsOfOrder,
  retryRefundNow,
  sendWebhook,
  showtimeOnSale,
  stripeKeys,
} from "../../test/booking-fixtures.ts";
import { forFile, registerAdmin, registerUser, serverForFile } from "../../test/harness.ts";

const fake = forFile(startFakeStripe);
const server = serverForFile(() => ({
  config: {
    rateLimitHoldsPerMin: 0,
    payments: {
      provider: "stripe",
      razorpay: undefined,
      stripe: stripeKeys(fake, "pk_test_boxoffice"),
    },
  },
}));
let admin: string;
let webhookUrl: string;
beforeAll(async () => {
  webhookUrl = `${server.url}/api/payments/webhook/stripe`;
  admin = (await registerAdmin(server)).accessToken;
});

interface Intent {
  paymentIntentId: string;
  clientSecret: string;
  amount: number;
  currency: string;
}

async function intentFor(token: string, seatIds: string[]) {
  const showtimeId = await showtimeOnSale(server, admin);
  const hold = await createHold(server, token, showtimeId, seatIds);
  const res = await server.http.post<Intent>("/api/payments/create-intent", { holdId: hold.id }, token);
  expect(res.status).toBe(201);
  return { hold, intent: res.body };
}

const confirm = (token: string, paymentIntentId: string) =>
  server.http.post<Booking & ErrorBody>("/api/bookings/confirm", { paymentIntentId }, token);

describe("paying through Stripe (a local stand-in, through the official SDK)", () => {
  it("a PaymentIntent for the hold's amount; once it succeeds, confirmation and webhook make one booking", async () => {
    const user = await registerUser(server);
    const { hold, intent } = await intentFor(user.accessToken, ["A3"]);
    expect(intent).toMatchObject({ amount: 20_000, currency: "INR" });
    expect(intent.clientSecret).toMatch(/^pi_.+_secret_/);
    expect(fake.paymentIntents.get(intent.paymentIntentId)).toMatchObject({
      amount: 20_000,
      currency: "inr",
      metadata: { holdId: hold.id },
    });
    // The same hold answers the same intent.
    const again = await server.http.post<Intent>(
      "/api/payments/create-intent",
      { holdId: hold.id },
      user.accessToken,
    );
    expect(again.body.paymentIntentId).toBe(intent.paymentIntentId);

    const early = await confirm(user.accessToken, intent.paymentIntentId);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("PAYMENT_PENDING");

    fake.succeed(intent.paymentIntentId);
    const [viaWebhook, viaClient] = await Promise.all([
      fake.deliver(webhookUrl, fake.webhook("payment_intent.succeeded", intent.paymentIntentId)),
      confirm(user.accessToken, intent.paymentIntentId),
    ]);
    expect(viaWebhook.status).toBe(200);
    expect(viaClient.body).toMatchObject({ status: "confirmed", seatIds: ["A3"] });
    const records = await recordsOfOrder(server, intent.paymentIntentId);
    expect([records.payments.length, records.bookings.length, records.notifications.length]).toEqual([
      1, 1, 1,
    ]);
  });

  it("create-order is for order-based checkout and says so", async () => {
    const user = await registerUser(server);
    const showtimeId = await showtimeOnSale(server, admin);
    const hold = await createHold(server, user.accessToken, showtimeId, ["B3"]);
    const res = await server.http.post<ErrorBody>(
      "/api/payments/create-order",
      { holdId: hold.id },
      user.accessToken,
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("PAYMENT_METHOD_DISABLED");
  });

  it("cancelling refunds through Stripe; charge.refunded then changes nothing", async () => {
    const user = await registerUser(server);
    const { intent } = await intentFor(user.accessToken, ["C3"]);
    fake.succeed(intent.paymentIntentId);
    const booking = (await confirm(user.accessToken, intent.paymentIntentId)).body;
    const cancelled = await server.http.post<Booking>(
      `/api/bookings/${booking.id}/cancel`,
      undefined,
      user.accessToken,
    );
    expect(cancelled.body).toMatchObject({
      status: "refunded",
      refund: { amount: 40_000, status: "processed" },
    });
    const sent = [...fake.refunds.values()].filter((r) => r.payment_intent === intent.paymentIntentId);
    expect(sent).toMatchObject([{ amount: 40_000, status: "succeeded" }]);
    const notice = await fake.deliver(webhookUrl, fake.webhook("charge.refunded", intent.paymentIntentId));
    expect(JSON.parse(notice.responseBody ?? "{}")).toMatchObject({ outcome: "refund_already_processed" });
  });

  it("an event is named by the id inside its signed body: signed again, under any header, it is a duplicate", async () => {
    const user = await registerUser(server);
    const { intent } = await intentFor(user.accessToken, ["C1"]);
    fake.succeed(intent.paymentIntentId);
    const webhook = fake.webhook("payment_intent.succeeded", intent.paymentIntentId);
    const first = await sendWebhook(server, webhook, "/api/payments/webhook/stripe");
    expect(first.body).toMatchObject({ outcome: "booked", duplicate: false, eventId: webhook.event.id });
    const before = await paymentRowCounts(server);
    const again = await sendWebhook(
      server,
      {
        body: webhook.body,
        headers: {
          ...webhook.headers,
          // Signed anew (a later second, a new signature): the body, and so the event, is the same.
          "Stripe-Signature": stripeWebhookSignatureHeader(
            webhook.body,
            fake.webhookSecret,
            Math.floor(Date.now() / 1000) + 1,
          ),
          "X-Razorpay-Event-Id": "evt_not_stripes",
        },
      },
      "/api/payments/webhook/stripe",
    );
    expect(again.body).toMatchObject({ duplicate: true, eventId: webhook.event.id });
    expect(await paymentRowCounts(server)).toEqual(before);
  });

  it("a webhook signed too long ago, or not by Stripe, is a 400 and changes nothing", async () => {
    const user = await registerUser(server);
    const { intent } = await intentFor(user.accessToken, ["A4"]);
    fake.succeed(intent.paymentIntentId);
    const webhook = fake.webhook("payment_intent.succeeded", intent.paymentIntentId);
    const before = await paymentRowCounts(server);
    const stale = Math.floor(Date.now() / 1000) - 3600;
    const replayedLater = await sendWebhook(
      server,
      {
        body: webhook.body,
        headers: {
          ...webhook.headers,
          "stripe-signature": stripeWebhookSignatureHeader(webhook.body, fake.webhookSecret, stale),
        },
      },
      "/api/payments/webhook/stripe",
    );
    expect(replayedLater.status).toBe(400);
    const forged = await sendWebhook(
      server,
      {
        body: webhook.body,
        headers: {
          ...webhook.headers,
          "stripe-signature": stripeWebhookSignatureHeader(
            webhook.body,
            "whsec_wrong",
            Math.floor(Date.now() / 1000),
          ),
        },
      },
      "/api/payments/webhook",
    );
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe("INVALID_SIGNATURE");
    expect(await paymentRowCounts(server)).toEqual(before);
    // Razorpay is not enabled here.
    expect((await sendWebhook(server, webhook, "/api/payments/webhook/razorpay")).status).toBe(404);
  });

  it("requests racing for one hold's intent all get the same intent", async () => {
    const user = await registerUser(server);
    const showtimeId = await showtimeOnSale(server, admin);
    const hold = await createHold(server, user.accessToken, showtimeId, ["C1"]);
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        server.http.post<Intent>("/api/payments/create-intent", { holdId: hold.id }, user.accessToken),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.paymentIntentId)).size).toBe(1);
  });

  it("a partial refund made in Stripe's dashboard counts once, however its notices arrive", async () => {
    const user = await registerUser(server);
    const { intent } = await intentFor(user.accessToken, ["C2"]);
    fake.succeed(intent.paymentIntentId);
    const booking = (await confirm(user.accessToken, intent.paymentIntentId)).body;
    const dashboard = createStripeSdk({ secretKey: fake.secretKey, baseUrl: fake.url });
    const refund = await dashboard.refunds.create({ payment_intent: intent.paymentIntentId, amount: 5_000 });
    const charged = await fake.deliver(webhookUrl, fake.webhook("charge.refunded", intent.paymentIntentId));
    expect(JSON.parse(charged.responseBody ?? "{}")).toMatchObject({ outcome: "external_refund" });
    const event = {
      id: `evt_refund_updated_${refund.id}`,
      object: "event",
      api_version: fake.apiVersion,
      created: Math.floor(Date.now() / 1000),
      data: { object: refund },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: "refund.updated",
    };
    const body = JSON.stringify(event, null, 2);
    const updated = await sendWebhook(
      server,
      {
        body,
        headers: {
          "content-type": "application/json",
          "stripe-signature": stripeWebhookSignatureHeader(
            body,
            fake.webhookSecret,
            Math.floor(Date.now() / 1000),
          ),
        },
      },
      "/api/payments/webhook/stripe",
    );
    expect(updated.body.outcome).toBe("refund_already_processed");
    const records = await recordsOfOrder(server, intent.paymentIntentId);
    expect(records.payments).toMatchObject([{ status: "succeeded", refundedAmount: 5_000 }]);
    expect(records.refunds).toMatchObject([
      { reason: "external", amount: 5_000, providerRefundId: refund.id },
    ]);
    // Part of the money went back: the booking stands.
    expect(records.bookings).toMatchObject([{ id: booking.id, status: "confirmed" }]);
  });

  it("a refund whose answer was lost is found again on the retry and sent once", async () => {
    const user = await registerUser(server);
    const { intent } = await intentFor(user.accessToken, ["A1"]);
    fake.succeed(intent.paymentIntentId);
    const booking = (await confirm(user.accessToken, intent.paymentIntentId)).body;
    fake.loseAnswerNext(/^\/v1\/refunds$/, { status: 502, method: "POST", times: 2 });
    const cancelled = await server.http.post<Booking>(
      `/api/bookings/${booking.id}/cancel`,
      undefined,
      user.accessToken,
    );
    expect(cancelled.body).toMatchObject({ status: "cancelled", refund: { status: "pending" } });
    const [sent] = await retryRefundNow(server, intent.paymentIntentId);
    expect(sent).toMatchObject({ status: "processed", attempts: 2 });
    expect(
      [...fake.refunds.values()].filter((r) => r.payment_intent === intent.paymentIntentId),
    ).toHaveLength(1);
  });

  it("a failed payment books nothing", async () => {
    const user = await registerUser(server);
    const { intent } = await intentFor(user.accessToken, ["B4"]);
    fake.fail(intent.paymentIntentId);
    const failed = await fake.deliver(
      webhookUrl,
      fake.webhook("payment_intent.payment_failed", intent.paymentIntentId),
    );
    expect(JSON.parse(failed.responseBody ?? "{}")).toMatchObject({ outcome: "failed" });
    const res = await confirm(user.accessToken, intent.paymentIntentId);
    expect(res.status).toBe(402);
    expect(res.body.error.code).toBe("PAYMENT_FAILED");
    expect((await recordsOfOrder(server, intent.paymentIntentId)).bookings).toHaveLength(0);
  });
});
