import {
  createRazorpaySdk,
  isRazorpayApiError,
  RAZORPAY_NETWORK_ERROR,
  verifyRazorpayCheckoutSignature,
  verifyRazorpayWebhookSignature,
} from "@boxoffice/core/payments";
import { validateWebhookSignature as sdkValidateWebhook } from "razorpay/dist/utils/razorpay-utils";
import { beforeAll, describe, expect, it } from "vitest";
import { type FakeRazorpay, type RazorpayWebhookEvent, startFakeRazorpay } from "./fake-razorpay.ts";
import { rejection, silentUntilWebhookUrl, standInForFile } from "./stand-in-harness.ts";
import type { WebhookReceiver } from "./webhook-receiver.ts";

const file = standInForFile(startFakeRazorpay, (fake, { headers, body }) =>
  verifyRazorpayWebhookSignature(body, headers["x-razorpay-signature"], fake.webhookSecret),
);
let fake: FakeRazorpay;
let receiver: WebhookReceiver;
let sdk: ReturnType<typeof createRazorpaySdk>;

beforeAll(() => {
  ({ fake, receiver } = file);
  sdk = createRazorpaySdk({ keyId: fake.keyId, keySecret: fake.keySecret, baseUrl: fake.url });
});

/** A payment's status, amount refunded and refund status. */
const refundState = async (paymentId: string) => {
  const { status, amount_refunded, refund_status } = await sdk.payments.fetch(paymentId);
  return [status, amount_refunded, refund_status];
};

const newOrder = (amount = 50_000) =>
  sdk.orders.create({ amount, currency: "INR", receipt: `bk_${amount}`, notes: { booking_id: "bk_1" } });

describe("fake Razorpay through the official SDK", () => {
  it("creates and fetches an order with Razorpay's fields", async () => {
    const order = await newOrder();
    expect(order).toMatchObject({
      entity: "order",
      amount: 50_000,
      amount_paid: 0,
      amount_due: 50_000,
      currency: "INR",
      receipt: "bk_50000",
      status: "created",
      attempts: 0,
      notes: { booking_id: "bk_1" },
    });
    expect(order.id).toMatch(/^order_[0-9A-Za-z]{14}$/);
    expect(order.created_at).toBeTypeOf("number");
    expect(await sdk.orders.fetch(order.id)).toEqual(order);
    // Razorpay's own quirk: empty notes are a JSON array.
    expect((await sdk.orders.create({ amount: 100, currency: "INR" })).notes).toEqual([]);
  });

  it("lets a customer pay in Checkout with a signature the server can verify", async () => {
    const order = await newOrder();
    const checkout = fake.pay(order.id);
    expect(checkout.razorpay_order_id).toBe(order.id);
    expect(checkout.razorpay_payment_id).toMatch(/^pay_[0-9A-Za-z]{14}$/);
    expect(
      verifyRazorpayCheckoutSignature(
        order.id,
        checkout.razorpay_payment_id,
        checkout.razorpay_signature,
        fake.keySecret,
      ),
    ).toBe(true);
    expect(
      verifyRazorpayCheckoutSignature(
        order.id,
        checkout.razorpay_payment_id,
        checkout.razorpay_signature,
        "wrong",
      ),
    ).toBe(false);

    const payment = await sdk.payments.fetch(checkout.razorpay_payment_id);
    expect(payment).toMatchObject({
      entity: "payment",
      amount: 50_000,
      currency: "INR",
      status: "captured",
      captured: true,
      order_id: order.id,
      amount_refunded: 0,
      refund_status: null,
    });
    expect(await sdk.orders.fetch(order.id)).toMatchObject({
      status: "paid",
      amount_paid: 50_000,
      amount_due: 0,
      attempts: 1,
    });
    const listed = await sdk.orders.fetchPayments(order.id);
    expect(listed).toMatchObject({ entity: "collection", count: 1, items: [{ id: payment.id }] });
    expect(() => fake.pay(order.id)).toThrow(/already paid/);
  });

  it("captures an authorized payment only for its full amount, and only once", async () => {
    const order = await newOrder(30_000);
    const { razorpay_payment_id: id } = fake.pay(order.id, { capture: false });
    expect(await sdk.payments.fetch(id)).toMatchObject({ status: "authorized", captured: false });
    expect((await sdk.orders.fetch(order.id)).status).toBe("attempted");

    expect(await rejection(sdk.payments.capture(id, 10_000, "INR"))).toMatchObject({
      statusCode: 400,
      error: { code: "BAD_REQUEST_ERROR", field: "amount" },
    });
    expect(await sdk.payments.capture(id, 30_000, "INR")).toMatchObject({
      status: "captured",
      captured: true,
    });
    expect((await sdk.orders.fetch(order.id)).status).toBe("paid");
    expect(await rejection(sdk.payments.capture(id, 30_000, "INR"))).toMatchObject({
      statusCode: 400,
      error: { description: "This payment has already been captured" },
    });
  });

  it("refunds part, then the rest, refuses more than was captured, and lists the refunds", async () => {
    const order = await newOrder(50_000);
    const { razorpay_payment_id: paymentId } = fake.pay(order.id);

    const partial = await sdk.payments.refund(paymentId, {
      amount: 20_000,
      notes: { reason: "seat" },
      receipt: "r1",
    });
    expect(partial).toMatchObject({
      entity: "refund",
      amount: 20_000,
      currency: "INR",
      payment_id: paymentId,
      notes: { reason: "seat" },
      receipt: "r1",
      status: "processed",
    });
    expect(partial.id).toMatch(/^rfnd_[0-9A-Za-z]{14}$/);
    expect(await refundState(paymentId)).toEqual(["captured", 20_000, "partial"]);

    expect(await rejection(sdk.payments.refund(paymentId, { amount: 30_001 }))).toMatchObject({
      statusCode: 400,
      error: { code: "BAD_REQUEST_ERROR", field: "amount" },
    });

    const rest = await sdk.payments.refund(paymentId, {});
    expect(rest.amount).toBe(30_000);
    expect(await refundState(paymentId)).toEqual(["refunded", 50_000, "full"]);
    expect(await rejection(sdk.payments.refund(paymentId, { amount: 100 }))).toMatchObject({
      statusCode: 400,
    });

    const list = await sdk.payments.fetchMultipleRefund(paymentId);
    expect(list.count).toBe(2);
    expect(list.items.map((r) => r.id).sort()).toEqual([partial.id, rest.id].sort());
    expect(await sdk.refunds.fetch(partial.id)).toEqual(partial);
    expect(await sdk.payments.fetchRefund(paymentId, rest.id)).toEqual(rest);
    // An order stays paid after its payment is refunded.
    expect((await sdk.orders.fetch(order.id)).status).toBe("paid");
  });

  it("refuses to refund a payment that was never captured", async () => {
    const order = await newOrder();
    const { razorpay_payment_id: id } = fake.pay(order.id, { capture: false });
    expect(await rejection(sdk.payments.refund(id, {}))).toMatchObject({ statusCode: 400 });
  });

  it("answers bad requests with Razorpay's error body", async () => {
    const unknown = await rejection(sdk.orders.fetch("order_DoesNotExist00"));
    expect(isRazorpayApiError(unknown)).toBe(true);
    expect(unknown).toEqual({
      statusCode: 400,
      error: {
        code: "BAD_REQUEST_ERROR",
        description: "The id provided does not exist",
        source: "business",
        step: "payment_initiation",
        reason: "input_validation_failed",
        metadata: {},
      },
    });
    expect(await rejection(sdk.orders.create({ amount: 99, currency: "INR" }))).toMatchObject({
      error: { description: "The amount must be at least INR 1.00", field: "amount" },
    });
    // A typo in a field name is refused, as Razorpay does, rather than silently dropped.
    const typo = { amount: 100, currency: "INR", reciept: "x" } as unknown as {
      amount: number;
      currency: string;
    };
    expect(await rejection(sdk.orders.create(typo))).toMatchObject({
      error: { description: "reciept is/are not required and should not be sent" },
    });
  });

  it("refuses a wrong key secret with 401 Authentication failed", async () => {
    const intruder = createRazorpaySdk({ keyId: fake.keyId, keySecret: "not-the-secret", baseUrl: fake.url });
    expect(await rejection(intruder.orders.create({ amount: 100, currency: "INR" }))).toMatchObject({
      statusCode: 401,
      error: { code: "BAD_REQUEST_ERROR", description: "Authentication failed" },
    });
    const last = fake.requests.at(-1);
    expect(last?.status).toBe(401);
    expect(last?.headers.authorization).toMatch(/^Basic /);
  });

  it("records a failed Checkout payment and lets the customer retry the same order", async () => {
    const order = await newOrder();
    const failure = fake.failPayment(order.id);
    expect(failure.error).toMatchObject({ code: "BAD_REQUEST_ERROR", metadata: { order_id: order.id } });
    expect(await sdk.payments.fetch(failure.error.metadata.payment_id)).toMatchObject({
      status: "failed",
      error_reason: "payment_failed",
    });
    expect(await sdk.orders.fetch(order.id)).toMatchObject({ status: "attempted", attempts: 1 });
    fake.pay(order.id);
    expect(await sdk.orders.fetch(order.id)).toMatchObject({ status: "paid", attempts: 2 });
    expect((await sdk.orders.fetchPayments(order.id)).count).toBe(2);
  });
});

describe("fake Razorpay webhooks", () => {
  it("builds each event with Razorpay's envelope, signed over the exact body", async () => {
    const order = await newOrder();
    const { razorpay_payment_id: paymentId } = fake.pay(order.id);
    const refund = await sdk.payments.refund(paymentId, { amount: 10_000 });
    const failedOrder = await newOrder();
    const failedId = fake.failPayment(failedOrder.id).error.metadata.payment_id;

    const cases: Array<[RazorpayWebhookEvent["event"], Parameters<FakeRazorpay["webhook"]>[1], string[]]> = [
      ["payment.captured", { paymentId }, ["payment"]],
      ["order.paid", { orderId: order.id }, ["payment", "order"]],
      ["payment.failed", { paymentId: failedId }, ["payment"]],
      ["refund.processed", { refundId: refund.id }, ["refund", "payment"]],
    ];
    for (const [name, ids, contains] of cases) {
      const webhook = fake.webhook(name, ids);
      expect(webhook.event).toMatchObject({
        entity: "event",
        account_id: fake.accountId,
        event: name,
        contains,
      });
      expect(JSON.parse(webhook.body)).toEqual(webhook.event);
      expect(webhook.headers["X-Razorpay-Event-Id"]).toMatch(/^[0-9A-Za-z]{14}$/);
      const signature = webhook.headers["X-Razorpay-Signature"] ?? "";
      expect(verifyRazorpayWebhookSignature(webhook.body, signature, fake.webhookSecret)).toBe(true);
      expect(sdkValidateWebhook(webhook.body, signature, fake.webhookSecret)).toBe(true);
    }
    const paid = fake.webhook("order.paid", { orderId: order.id }).event.payload;
    expect(paid.payment?.entity).toMatchObject({ id: paymentId, status: "captured", order_id: order.id });
    expect(paid.order?.entity).toMatchObject({ id: order.id, status: "paid", amount_paid: 50_000 });
    const refunded = fake.webhook("refund.processed", { refundId: refund.id }).event.payload;
    expect(refunded.refund?.entity).toMatchObject({ id: refund.id, amount: 10_000, status: "processed" });
    expect(refunded.payment?.entity).toMatchObject({ id: paymentId, refund_status: "partial" });
  });

  it("delivers a webhook, a redelivery with the same event id, and refuses a tampered body", async () => {
    const order = await newOrder();
    const { razorpay_payment_id: paymentId } = fake.pay(order.id);
    const webhook = fake.webhook("payment.captured", { paymentId });

    expect(await fake.deliver(receiver.url, webhook)).toMatchObject({ status: 200 });
    expect(await fake.deliver(receiver.url, webhook)).toMatchObject({ status: 200 });
    const [first, again] = receiver.received.slice(-2);
    expect(first?.body).toBe(webhook.body);
    expect(first?.headers["x-razorpay-event-id"]).toBe(again?.headers["x-razorpay-event-id"]);
    expect(first?.headers["content-type"]).toBe("application/json");

    const tampered = { ...webhook, body: webhook.body.replace('"amount":50000', '"amount":100') };
    expect(tampered.body).not.toBe(webhook.body);
    expect(await fake.deliver(receiver.url, tampered)).toMatchObject({ status: 400 });
    expect(await fake.deliver("http://127.0.0.1:1/nowhere", webhook)).toMatchObject({
      error: expect.any(String),
    });
  });

  it("sends events by itself after pay, capture and refund once a webhook URL is set", async () => {
    const before = await silentUntilWebhookUrl(file, async () => fake.pay((await newOrder()).id));
    const next = await newOrder(20_000);
    const { razorpay_payment_id: paymentId } = fake.pay(next.id, { capture: false });
    await sdk.payments.capture(paymentId, 20_000, "INR");
    await sdk.payments.refund(paymentId, { amount: 5_000 });
    const deliveries = await fake.webhooksSettled();

    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    const events = receiver.received.slice(before).map((r) => JSON.parse(r.body) as RazorpayWebhookEvent);
    expect(events.map((e) => e.event)).toEqual([
      "payment.authorized",
      "payment.captured",
      "order.paid",
      "refund.processed",
    ]);
    // Each carries the entity as it was at that moment.
    expect(events[0]?.payload.payment?.entity.status).toBe("authorized");
    expect(events[1]?.payload.payment?.entity.status).toBe("captured");
  });
});

describe("fake Razorpay outages", () => {
  it("fails the next N matching requests with a 5xx in Razorpay's shape, then recovers", async () => {
    fake.failNext("/v1/orders", { times: 2, method: "POST" });
    for (let i = 0; i < 2; i++) {
      expect(await rejection(newOrder())).toMatchObject({ statusCode: 500, error: { code: "SERVER_ERROR" } });
    }
    expect((await newOrder()).status).toBe("created");
    expect(fake.requests.filter((r) => r.fault === "error").length).toBeGreaterThanOrEqual(2);

    fake.failNext(/^\/v1\/payments\//, { status: 502 });
    expect(await rejection(sdk.payments.fetch("pay_x"))).toMatchObject({
      statusCode: 502,
      error: { code: "GATEWAY_ERROR" },
    });
  });

  it("hangs a request until the SDK's timeout, which arrives as a network error", async () => {
    const impatient = createRazorpaySdk({
      keyId: fake.keyId,
      keySecret: fake.keySecret,
      baseUrl: fake.url,
      timeoutMs: 150,
    });
    const order = await newOrder();
    fake.hangNext(`/v1/orders/${order.id}`);
    const err = await rejection(impatient.orders.fetch(order.id));
    expect(err).toMatchObject({
      statusCode: 0,
      error: { code: RAZORPAY_NETWORK_ERROR, reason: "ECONNABORTED" },
    });
    // Only that one request hung (the patient client avoids a flaky 150 ms budget on a busy machine).
    expect(await sdk.orders.fetch(order.id)).toMatchObject({ id: order.id });
  });

  it("closes promptly even with a request hanging", async () => {
    const lonely = await startFakeRazorpay();
    const client = createRazorpaySdk({
      keyId: lonely.keyId,
      keySecret: lonely.keySecret,
      baseUrl: lonely.url,
    });
    lonely.hangNext("/v1/orders");
    const pending = rejection(client.orders.create({ amount: 100, currency: "INR" }));
    await expect.poll(() => lonely.requests.length).toBe(1);
    await lonely.close();
    expect(await pending).toMatchObject({ statusCode: 0, error: { code: RAZORPAY_NETWORK_ERROR } });
  });
});

describe("createRazorpaySdk", () => {
  it("targets the real API with a timeout unless given a base URL", () => {
    const real = createRazorpaySdk({ keyId: "rzp_test_x", keySecret: "s" });
    const defaults = (real.api as unknown as { rq: { defaults: { baseURL: string; timeout: number } } }).rq
      .defaults;
    expect(defaults.baseURL).toBe("https://api.razorpay.com");
    expect(defaults.timeout).toBe(10_000);
  });
});
