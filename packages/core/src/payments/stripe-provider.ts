import type Stripe from "stripe";
import type { StripeConfig } from "../config/env.ts";
import { AppError } from "../shared/errors.ts";
import type { PaymentProvider, ProviderPayment, WebhookEvent } from "./provider.ts";
import { createStripeSdk } from "./sdk.ts";
import { verifyStripeWebhook, WebhookSignatureError } from "./signatures.ts";

function providerError(err: unknown, what: string): AppError {
  const detail = err instanceof Error ? err.message : String(err);
  return new AppError("PAYMENT_PROVIDER_ERROR", `Stripe could not ${what}`, { provider: "stripe", detail });
}

function paymentOf(intent: Stripe.PaymentIntent): ProviderPayment {
  return {
    providerOrderId: intent.id,
    // One PaymentIntent collects at most once: its id names the payment too.
    providerPaymentId: intent.id,
    amount: intent.status === "succeeded" ? intent.amount_received : intent.amount,
    currency: intent.currency.toUpperCase(),
    // After a declined attempt Stripe puts the intent back to requires_payment_method, with the error.
    status:
      intent.status === "succeeded"
        ? "succeeded"
        : intent.status === "canceled" ||
            (intent.status === "requires_payment_method" && intent.last_payment_error != null)
          ? "failed"
          : "pending",
  };
}

/**
 * Stripe through its official SDK: a PaymentIntent per hold (idempotency key = hold, so racing requests
 * get the same one), confirmation read back from Stripe, webhooks verified with their timestamp
 * tolerance, refunds sent with our refund id as idempotency key (a retry is the same refund).
 */
export function stripeProvider(config: StripeConfig): PaymentProvider {
  const sdk = createStripeSdk({
    secretKey: config.secretKey,
    ...(config.apiBaseUrl ? { baseUrl: config.apiBaseUrl } : {}),
  });
  return {
    name: "stripe",
    flow: "intent",
    async createOrder(input) {
      try {
        const intent = await sdk.paymentIntents.create(
          {
            amount: input.amount,
            currency: input.currency.toLowerCase(),
            metadata: { holdId: input.holdId, orderId: input.orderId },
            automatic_payment_methods: { enabled: true },
          },
          { idempotencyKey: `boxoffice-hold-${input.holdId}` },
        );
        return {
          providerOrderId: intent.id,
          checkout: {
            clientSecret: intent.client_secret ?? "",
            ...(config.publishableKey ? { publishableKey: config.publishableKey } : {}),
          },
        };
      } catch (err) {
        throw providerError(err, "create the payment");
      }
    },
    async verifyClientPayment(input) {
      if (input.kind !== "intent") {
        throw new AppError("INVALID_SIGNATURE", "Stripe payments are confirmed with paymentIntentId");
      }
      try {
        return paymentOf(await sdk.paymentIntents.retrieve(input.paymentIntentId));
      } catch (err) {
        throw providerError(err, "confirm the payment");
      }
    },
    parseWebhook(rawBody, headers) {
      let event: Stripe.Event;
      try {
        event = verifyStripeWebhook(rawBody, headers.get("stripe-signature"), config.webhookSecret);
      } catch (err) {
        if (err instanceof WebhookSignatureError) {
          throw new AppError("INVALID_SIGNATURE", `The webhook signature does not match (${err.reason})`);
        }
        throw err;
      }
      return readStripeEvent(event);
    },
    async refund(input) {
      try {
        const refund = await sdk.refunds.create(
          {
            payment_intent: input.providerPaymentId,
            amount: input.amount,
            metadata: { refund_id: input.refundId },
          },
          { idempotencyKey: `boxoffice-refund-${input.refundId}` },
        );
        return {
          providerRefundId: refund.id,
          status: refund.status === "succeeded" ? "processed" : "submitted",
        };
      } catch (err) {
        throw providerError(err, "refund the payment");
      }
    },
  };
}

function readStripeEvent(event: Stripe.Event): WebhookEvent {
  const base = { eventId: event.id, type: event.type };
  switch (event.type) {
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed": {
      const payment = paymentOf(event.data.object);
      return {
        ...base,
        kind: "payment",
        payment: event.type === "payment_intent.payment_failed" ? { ...payment, status: "failed" } : payment,
      };
    }
    case "charge.refunded": {
      const charge = event.data.object;
      const intent =
        typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
      if (!intent) {
        return { ...base, kind: "ignored" };
      }
      return {
        ...base,
        kind: "refund_total",
        refundTotal: {
          providerPaymentId: intent,
          totalRefunded: charge.amount_refunded,
          chargeId: charge.id,
        },
      };
    }
    case "refund.created":
    case "refund.updated":
    case "refund.failed": {
      const refund = event.data.object;
      const intent =
        typeof refund.payment_intent === "string" ? refund.payment_intent : refund.payment_intent?.id;
      if (!intent || (refund.status !== "succeeded" && refund.status !== "failed")) {
        return { ...base, kind: "ignored" };
      }
      return {
        ...base,
        kind: "refund",
        refund: {
          providerPaymentId: intent,
          providerRefundId: refund.id,
          amount: refund.amount,
          status: refund.status === "succeeded" ? "processed" : "failed",
          refundId: refund.metadata?.refund_id,
        },
      };
    }
    default:
      return { ...base, kind: "ignored" };
  }
}
