import Stripe from "stripe";
import type { StripeConfig } from "../config/env.ts";
import { AppError } from "../shared/errors.ts";
import type { PaymentProvider, ProviderPayment, ProviderRefundEvent, WebhookEvent } from "./provider.ts";
import { providerError } from "./provider-error.ts";
import { createStripeSdk } from "./sdk.ts";
import { verifyStripeWebhook, WebhookSignatureError } from "./signatures.ts";

/** Stripe's own account of a failure (its request id lets Stripe's support find the request). */
function stripeError(err: unknown, what: string): AppError {
  let text = String(err);
  if (err instanceof Stripe.errors.StripeError) {
    const status = err.statusCode === undefined ? "no answer" : String(err.statusCode);
    text = `${status} ${err.type}${err.code ? ` ${err.code}` : ""}: ${err.message}${err.requestId ? ` (request ${err.requestId})` : ""}`;
  } else if (err instanceof Error) {
    text = err.message;
  }
  return providerError("Stripe", what, text);
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

/** A refund that has settled either way; one still pending says nothing yet. */
function refundNotice(refund: Stripe.Refund): ProviderRefundEvent | undefined {
  const intent =
    typeof refund.payment_intent === "string" ? refund.payment_intent : refund.payment_intent?.id;
  if (!intent || (refund.status !== "succeeded" && refund.status !== "failed")) {
    return undefined;
  }
  return {
    providerPaymentId: intent,
    providerRefundId: refund.id,
    amount: refund.amount,
    status: refund.status === "succeeded" ? "processed" : "failed",
    refundId: refund.metadata?.refund_id,
  };
}

/**
 * Stripe through its official SDK: a PaymentIntent per hold (idempotency key = hold, so racing requests
 * get the same one), confirmation read back from Stripe, webhooks verified with their timestamp
 * tolerance, refunds carrying our refund id in their metadata.
 */
export function stripeProvider(config: StripeConfig): PaymentProvider {
  const sdk = createStripeSdk({
    secretKey: config.secretKey,
    ...(config.apiBaseUrl ? { baseUrl: config.apiBaseUrl } : {}),
  });
  const answer = (refund: Stripe.Refund) => ({
    providerRefundId: refund.id,
    status: refund.status === "succeeded" ? ("processed" as const) : ("submitted" as const),
  });
  return {
    name: "stripe",
    flow: "intent",
    async createOrder(input) {
      try {
        // Every parameter follows from the hold alone: Stripe refuses a reused idempotency key with other
        // parameters, and requests racing for one hold (or a retry after a crash) must get the same intent.
        const intent = await sdk.paymentIntents.create(
          {
            amount: input.amount,
            currency: input.currency.toLowerCase(),
            metadata: { holdId: input.holdId },
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
        throw stripeError(err, "create the payment");
      }
    },
    async verifyClientPayment(input) {
      if (input.kind !== "intent") {
        throw new AppError("INVALID_SIGNATURE", "Stripe payments are confirmed with paymentIntentId");
      }
      try {
        return paymentOf(await sdk.paymentIntents.retrieve(input.paymentIntentId));
      } catch (err) {
        throw stripeError(err, "confirm the payment");
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
        if (input.attempt > 1) {
          // An earlier attempt may have got through with its answer lost: find it by our refund id.
          const earlier = await sdk.refunds.list({ payment_intent: input.providerPaymentId, limit: 100 });
          const found = earlier.data.find((r) => r.metadata?.refund_id === input.refundId);
          if (found) {
            return answer(found);
          }
        }
        // Stripe stores the first answer to an idempotency key, a 500 included, and replays it for a day:
        // each attempt has a key of its own (the SDK's network retries reuse it within an attempt).
        const refund = await sdk.refunds.create(
          {
            payment_intent: input.providerPaymentId,
            amount: input.amount,
            metadata: { refund_id: input.refundId },
          },
          { idempotencyKey: `boxoffice-refund-${input.refundId}-${input.attempt}` },
        );
        return answer(refund);
      } catch (err) {
        throw stripeError(err, "refund the payment");
      }
    },
    async refundsOf(providerPaymentId) {
      try {
        const list = await sdk.refunds.list({ payment_intent: providerPaymentId, limit: 100 });
        return list.data.flatMap((refund) => {
          const notice = refundNotice(refund);
          return notice ? [notice] : [];
        });
      } catch (err) {
        throw stripeError(err, "list the payment's refunds");
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
      // On current API versions the charge no longer lists its refunds: only that money went back.
      const charge = event.data.object;
      const intent =
        typeof charge.payment_intent === "string" ? charge.payment_intent : charge.payment_intent?.id;
      return intent
        ? { ...base, kind: "refunds_changed", providerPaymentId: intent }
        : { ...base, kind: "ignored" };
    }
    case "refund.created":
    case "refund.updated":
    case "refund.failed": {
      const refund = refundNotice(event.data.object);
      return refund ? { ...base, kind: "refund", refund } : { ...base, kind: "ignored" };
    }
    default:
      return { ...base, kind: "ignored" };
  }
}
