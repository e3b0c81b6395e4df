import {
  createStripeSdk,
  stripeWebhookSignatureHeader,
  verifyStripeWebhook,
  WebhookSignatureError,
} from "@boxoffice/core/payments";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { type FakeStripe, startFakeStripe } from "./fake-stripe.ts";
import { rejection, silentUntilWebhookUrl, standInForFile } from "./stand-in-harness.ts";
import type { WebhookReceiver } from "./webhook-receiver.ts";

const file = standInForFile(startFakeStripe, (fake, { headers, body }) => {
  try {
    verifyStripeWebhook(body, headers["stripe-signature"], fake.webhookSecret);
    return true;
  } catch {
    return false;
  }
});
let fake: FakeStripe;
let receiver: WebhookReceiver;
let stripe: Stripe;

beforeAll(() => {
  ({ fake, receiver } = file);
  // No retries by default here, so a test about outages sees each failure; one test turns them on.
  stripe = createStripeSdk({ secretKey: fake.secretKey, baseUrl: fake.url, maxNetworkRetries: 0 });
});

const newIntent = (amount = 50_000, options?: Stripe.RequestOptions) =>
  stripe.paymentIntents.create(
    {
      amount,
      currency: "INR",
      metadata: { booking_id: "bk_1" },
      automatic_payment_methods: { enabled: true },
    },
    options,
  );

describe("fake Stripe through the official SDK", () => {
  it("creates and retrieves a PaymentIntent with Stripe's fields", async () => {
    const pi = await newIntent();
    expect(pi.id).toMatch(/^pi_[0-9A-Za-z]{24}$/);
    expect(pi.client_secret?.startsWith(`${pi.id}_secret_`)).toBe(true);
    expect(pi).toMatchObject({
      object: "payment_intent",
      amount: 50_000,
      amount_received: 0,
      currency: "inr",
      status: "requires_payment_method",
      metadata: { booking_id: "bk_1" },
      automatic_payment_methods: { enabled: true },
      latest_charge: null,
      livemode: false,
    });
    expect(pi.lastResponse.requestId).toMatch(/^req_/);
    const again = await stripe.paymentIntents.retrieve(pi.id);
    expect(again.id).toBe(pi.id);
    expect(again.client_secret).toBe(pi.client_secret);
    const sent = fake.requests.find((r) => r.method === "POST" && r.path === "/v1/payment_intents");
    expect(sent?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(sent?.body).toContain("metadata[booking_id]=bk_1");
  });

  it("succeeds a payment: latest_charge, amount_received, and the charge on expand", async () => {
    const pi = await newIntent(30_000);
    fake.succeed(pi.id);
    const paid = await stripe.paymentIntents.retrieve(pi.id);
    expect(paid).toMatchObject({ status: "succeeded", amount_received: 30_000 });
    expect(paid.latest_charge).toMatch(/^ch_[0-9A-Za-z]{24}$/);
    const expanded = await stripe.paymentIntents.retrieve(pi.id, { expand: ["latest_charge"] });
    expect(expanded.latest_charge).toMatchObject({ object: "charge", paid: true, amount_captured: 30_000 });
    expect(() => fake.succeed(pi.id)).toThrow(/succeeded/);
  });

  it("refunds part, then the rest, refuses over-refunds, and retrieves refunds", async () => {
    const pi = await newIntent(50_000);
    const charge = fake.succeed(pi.id).latest_charge as string;

    const partial = await stripe.refunds.create({
      payment_intent: pi.id,
      amount: 20_000,
      reason: "requested_by_customer",
    });
    expect(partial.id).toMatch(/^re_[0-9A-Za-z]{24}$/);
    expect(partial).toMatchObject({
      object: "refund",
      amount: 20_000,
      status: "succeeded",
      charge,
      payment_intent: pi.id,
    });

    expect(await rejection(stripe.refunds.create({ payment_intent: pi.id, amount: 30_001 }))).toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
      code: "amount_too_large",
      param: "amount",
    });

    const rest = await stripe.refunds.create({ charge });
    expect(rest.amount).toBe(30_000);
    expect(fake.charges.get(charge)).toMatchObject({ amount_refunded: 50_000, refunded: true });
    expect(await rejection(stripe.refunds.create({ payment_intent: pi.id }))).toMatchObject({
      statusCode: 400,
      code: "charge_already_refunded",
    });
    expect((await stripe.refunds.retrieve(partial.id)).amount).toBe(20_000);
  });

  it("refuses to refund a PaymentIntent that was never paid", async () => {
    const pi = await newIntent();
    expect(await rejection(stripe.refunds.create({ payment_intent: pi.id }))).toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 400,
    });
  });

  it("answers unknown ids, unknown parameters and missing ones with Stripe's errors", async () => {
    expect(await rejection(stripe.paymentIntents.retrieve("pi_missing"))).toMatchObject({
      type: "StripeInvalidRequestError",
      statusCode: 404,
      code: "resource_missing",
      message: "No such payment_intent: 'pi_missing'",
    });
    expect(await rejection(stripe.refunds.retrieve("re_missing"))).toMatchObject({ statusCode: 404 });
    const typo = {
      amount: 100,
      currency: "inr",
      metdata: { booking_id: "bk_1" },
    } as unknown as Stripe.PaymentIntentCreateParams;
    expect(await rejection(stripe.paymentIntents.create(typo))).toMatchObject({
      code: "parameter_unknown",
      param: "metdata",
    });
    const noAmount = { currency: "inr" } as unknown as Stripe.PaymentIntentCreateParams;
    expect(await rejection(stripe.paymentIntents.create(noAmount))).toMatchObject({
      code: "parameter_missing",
    });
    expect(await rejection(stripe.refunds.create({}))).toMatchObject({ code: "parameter_missing" });
  });

  it("refuses a wrong secret key, and a missing one, with 401", async () => {
    const intruder = createStripeSdk({ secretKey: "sk_test_wrong", baseUrl: fake.url });
    expect(await rejection(intruder.paymentIntents.create({ amount: 100, currency: "inr" }))).toMatchObject({
      type: "StripeAuthenticationError",
      statusCode: 401,
    });
    const bare = await fetch(`${fake.url}/v1/payment_intents/pi_x`);
    expect(bare.status).toBe(401);
    expect(await bare.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("fails a payment: requires_payment_method again, with the decline as last_payment_error", async () => {
    const pi = await newIntent();
    fake.fail(pi.id);
    expect(await stripe.paymentIntents.retrieve(pi.id)).toMatchObject({
      status: "requires_payment_method",
      last_payment_error: { type: "card_error", code: "card_declined" },
    });
    fake.succeed(pi.id); // the customer tries another card
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe("succeeded");
  });
});

describe("fake Stripe idempotency", () => {
  it("replays the first answer for the same key and parameters", async () => {
    const first = await newIntent(12_300, { idempotencyKey: "booking-1" });
    const second = await newIntent(12_300, { idempotencyKey: "booking-1" });
    expect(second.id).toBe(first.id);
    expect(second.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect([...fake.paymentIntents.values()].filter((pi) => pi.amount === 12_300)).toHaveLength(1);
  });

  it("refuses the same key with other parameters", async () => {
    await newIntent(45_600, { idempotencyKey: "booking-2" });
    expect(await rejection(newIntent(45_700, { idempotencyKey: "booking-2" }))).toMatchObject({
      type: "StripeIdempotencyError",
      statusCode: 400,
    });
  });

  it("does not store a request whose parameters failed validation", async () => {
    const bad = { amount: 10, currency: "inr" } as Stripe.PaymentIntentCreateParams;
    expect(await rejection(stripe.paymentIntents.create(bad, { idempotencyKey: "booking-3" }))).toMatchObject(
      {
        code: "amount_too_small",
      },
    );
    const fixed = await stripe.paymentIntents.create(
      { amount: 1_000, currency: "inr" },
      { idempotencyKey: "booking-3" },
    );
    expect(fixed.status).toBe("requires_payment_method");
  });

  it("lets the SDK retry a 5xx once with the same key, so the intent is created once", async () => {
    const retrying = createStripeSdk({ secretKey: fake.secretKey, baseUrl: fake.url, maxNetworkRetries: 1 });
    fake.failNext("/v1/payment_intents", { method: "POST" });
    const before = fake.requests.length;
    const pi = await retrying.paymentIntents.create({ amount: 77_700, currency: "inr" });
    const posts = fake.requests.slice(before);
    expect(posts.map((r) => r.fault ?? r.status)).toEqual(["error", 200]);
    expect(posts[0]?.headers["idempotency-key"]).toBe(posts[1]?.headers["idempotency-key"]);
    expect([...fake.paymentIntents.values()].filter((p) => p.amount === 77_700).map((p) => p.id)).toEqual([
      pi.id,
    ]);
  });
});

describe("fake Stripe outages", () => {
  it("fails the next N requests with Stripe's api_error, then recovers", async () => {
    fake.failNext(/^\/v1\/payment_intents/, { times: 2, status: 503 });
    for (let i = 0; i < 2; i++) {
      expect(await rejection(newIntent())).toMatchObject({ type: "StripeAPIError", statusCode: 503 });
    }
    expect((await newIntent()).status).toBe("requires_payment_method");
  });

  it("hangs a request until the SDK's timeout", async () => {
    const impatient = createStripeSdk({
      secretKey: fake.secretKey,
      baseUrl: fake.url,
      timeoutMs: 150,
      maxNetworkRetries: 0,
    });
    const pi = await newIntent();
    fake.hangNext(`/v1/payment_intents/${pi.id}`);
    expect(await rejection(impatient.paymentIntents.retrieve(pi.id))).toMatchObject({
      type: "StripeConnectionError",
    });
    // Only that one request hung (the patient client avoids a flaky 150 ms budget on a busy machine).
    expect((await stripe.paymentIntents.retrieve(pi.id)).id).toBe(pi.id);
  });
});

describe("fake Stripe webhooks", () => {
  it("builds events in Stripe's envelope with a Stripe-Signature both verifiers accept", async () => {
    const paid = await newIntent(40_000);
    fake.succeed(paid.id);
    await stripe.refunds.create({ payment_intent: paid.id, amount: 15_000 }, { idempotencyKey: "refund-1" });
    const declined = await newIntent();
    fake.fail(declined.id);

    for (const [type, id] of [
      ["payment_intent.succeeded", paid.id],
      ["payment_intent.payment_failed", declined.id],
      ["charge.refunded", paid.id],
    ] as const) {
      const webhook = fake.webhook(type, id);
      const signature = webhook.headers["Stripe-Signature"];
      expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const event = verifyStripeWebhook(webhook.body, signature, fake.webhookSecret);
      expect(event).toMatchObject({
        object: "event",
        type,
        api_version: Stripe.API_VERSION,
        livemode: false,
        pending_webhooks: 1,
      });
      expect(event.id).toMatch(/^evt_[0-9A-Za-z]{24}$/);
      expect(Stripe.webhooks.constructEvent(webhook.body, signature ?? "", fake.webhookSecret).id).toBe(
        event.id,
      );
    }

    const success = fake.webhook("payment_intent.succeeded", paid.id);
    const succeeded = verifyStripeWebhook(
      success.body,
      success.headers["Stripe-Signature"],
      fake.webhookSecret,
    );
    expect(succeeded.data.object).toMatchObject({
      id: paid.id,
      status: "succeeded",
      amount_received: 40_000,
    });
    const failed = fake.webhook("payment_intent.payment_failed", declined.id).event;
    expect(failed.data.object).toMatchObject({ last_payment_error: { code: "card_declined" } });
    const refunded = fake.webhook("charge.refunded", paid.id).event;
    expect(refunded.data).toMatchObject({
      object: { object: "charge", amount_refunded: 15_000, refunded: false },
      previous_attributes: { amount_refunded: 0 },
    });
    // The refund's request is the one the event points back to.
    expect(refunded.request).toMatchObject({
      id: expect.stringMatching(/^req_/),
      idempotency_key: "refund-1",
    });
  });

  it("sends pretty-printed bodies, so verifying a re-serialised body fails as it would in production", async () => {
    const pi = await newIntent();
    fake.succeed(pi.id);
    const webhook = fake.webhook("payment_intent.succeeded", pi.id);
    expect(webhook.body).toContain('\n  "id": "evt_');
    const reserialised = JSON.stringify(JSON.parse(webhook.body));
    expect(() =>
      verifyStripeWebhook(reserialised, webhook.headers["Stripe-Signature"], fake.webhookSecret),
    ).toThrow(WebhookSignatureError);
  });

  it("delivers, redelivers with the same event id, and the endpoint refuses a tampered one", async () => {
    const pi = await newIntent();
    fake.succeed(pi.id);
    const webhook = fake.webhook("payment_intent.succeeded", pi.id);
    expect(await fake.deliver(receiver.url, webhook)).toMatchObject({ status: 200 });
    expect(await fake.deliver(receiver.url, webhook)).toMatchObject({ status: 200 });
    const [first, again] = receiver.received.slice(-2);
    expect(first?.body).toBe(webhook.body);
    expect(JSON.parse(first?.body ?? "").id).toBe(JSON.parse(again?.body ?? "").id);

    const tampered = {
      ...webhook,
      body: webhook.body.replace('"status": "succeeded"', '"status": "canceled"'),
    };
    expect(tampered.body).not.toBe(webhook.body);
    expect(await fake.deliver(receiver.url, tampered)).toMatchObject({ status: 400 });
  });

  it("signs with its clock, so a stale delivery is refused by the tolerance check", async () => {
    const anHourAgo = new Date(Date.now() - 3_600_000);
    const stale = await startFakeStripe({ now: () => anHourAgo });
    try {
      const client = createStripeSdk({ secretKey: stale.secretKey, baseUrl: stale.url });
      const pi = await client.paymentIntents.create({ amount: 1_000, currency: "inr" });
      stale.succeed(pi.id);
      const webhook = stale.webhook("payment_intent.succeeded", pi.id);
      const verify = () =>
        verifyStripeWebhook(webhook.body, webhook.headers["Stripe-Signature"], stale.webhookSecret);
      expect(verify).toThrow(expect.objectContaining({ reason: "timestamp_out_of_tolerance" }));
      // The same body signed now by core's helper passes: only the time was wrong.
      const fresh = stripeWebhookSignatureHeader(
        webhook.body,
        stale.webhookSecret,
        Math.floor(Date.now() / 1000),
      );
      expect(verifyStripeWebhook(webhook.body, fresh, stale.webhookSecret).type).toBe(
        "payment_intent.succeeded",
      );
    } finally {
      await stale.close();
    }
  });

  it("sends events by itself after a payment and a refund once a webhook URL is set", async () => {
    const before = await silentUntilWebhookUrl(file, async () => fake.succeed((await newIntent()).id));
    const pi = await newIntent(25_000);
    fake.succeed(pi.id);
    await stripe.refunds.create({ payment_intent: pi.id });
    const declined = await newIntent();
    fake.fail(declined.id);
    const deliveries = await fake.webhooksSettled();

    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200]);
    const events = receiver.received.slice(before).map((r) => JSON.parse(r.body) as Stripe.Event);
    expect(events.map((e) => e.type)).toEqual([
      "payment_intent.succeeded",
      "charge.refunded",
      "payment_intent.payment_failed",
    ]);
    expect(events[1]?.data.object).toMatchObject({ amount_refunded: 25_000, refunded: true });
  });
});

describe("createStripeSdk", () => {
  it("refuses a base URL it could not honour", () => {
    expect(() => createStripeSdk({ secretKey: "sk_test_x", baseUrl: "http://127.0.0.1:1/prefix" })).toThrow(
      /origin/,
    );
    expect(() => createStripeSdk({ secretKey: "sk_test_x", baseUrl: "ftp://127.0.0.1" })).toThrow(/http/);
  });
});
