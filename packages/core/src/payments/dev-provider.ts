import { createHash, createHmac, randomBytes } from "node:crypto";
import { AppError } from "../shared/errors.ts";
import type { PaymentProvider, ProviderPayment } from "./provider.ts";
import { readRazorpayEvent } from "./razorpay-events.ts";
import {
  razorpayCheckoutSignature,
  razorpayWebhookSignature,
  verifyRazorpayCheckoutSignature,
  verifyRazorpayWebhookSignature,
} from "./signatures.ts";

export const DEV_PAY_PATH = "/api/payments/dev/pay";

/** A signed webhook, ready to POST. */
export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
}

export interface DevPaymentProvider extends PaymentProvider {
  /**
   * What pressing "Pay" does: a captured payment for the order (of `amount`, the order's by default), with
   * Checkout's handler fields and the signed `payment.captured` webhook a real provider would send.
   */
  pay(
    order: { providerOrderId: string; amount: number; currency: string },
    options?: { fail?: boolean },
  ): {
    paymentId: string;
    signature: string;
    webhook: SignedWebhook;
  };
  /** Signs a webhook body as the dev provider does (for tests of forged and replayed events). */
  sign(body: string): string;
}

const base62 = (bytes: number) =>
  randomBytes(bytes).toString("base64url").replace(/[-_]/g, "").slice(0, bytes);

/**
 * The embedded default: no account anywhere. Orders and payments are Razorpay-shaped and signed with a
 * key derived from the server's secret, so any API process of a deployment can verify what another issued.
 * A payment id carries its amount and currency (`dev_pay_<nonce>.<amount>.<currency>`), covered by the
 * checkout signature, so verifying a payment needs no shared state either.
 */
export function devPaymentProvider(masterSecret: string): DevPaymentProvider {
  const secret = createHmac("sha256", masterSecret).update("boxoffice dev payments").digest("hex");
  // Signed exactly as Razorpay signs, with the derived secret as both key secret and webhook secret.
  const sign = (body: string) => razorpayWebhookSignature(body, secret);

  const decode = (orderId: string, paymentId: string): ProviderPayment | undefined => {
    const match = /^dev_pay_[A-Za-z0-9]+\.(\d{1,9})\.([A-Z]{3})(\.failed)?$/.exec(paymentId);
    if (!match) {
      return undefined;
    }
    return {
      providerOrderId: orderId,
      providerPaymentId: paymentId,
      amount: Number(match[1]),
      currency: match[2] ?? "",
      status: match[3] ? "failed" : "succeeded",
    };
  };

  return {
    name: "dev",
    flow: "order",
    async createOrder() {
      const providerOrderId = `dev_order_${base62(14)}`;
      return { providerOrderId, checkout: { payPath: `${DEV_PAY_PATH}/${providerOrderId}` } };
    },
    async verifyClientPayment(input) {
      if (
        input.kind !== "checkout" ||
        !verifyRazorpayCheckoutSignature(input.orderId, input.paymentId, input.signature, secret)
      ) {
        throw new AppError("INVALID_SIGNATURE", "The payment signature does not match this order");
      }
      const payment = decode(input.orderId, input.paymentId);
      if (!payment) {
        throw new AppError("INVALID_SIGNATURE", "Not a dev payment");
      }
      return payment;
    },
    parseWebhook(rawBody, headers) {
      if (!verifyRazorpayWebhookSignature(rawBody, headers.get("x-razorpay-signature"), secret)) {
        throw new AppError("INVALID_SIGNATURE", "The webhook signature does not match");
      }
      return readRazorpayEvent(rawBody);
    },
    async refund(input) {
      // Deterministic, so a retried refund is the same refund.
      const digest = createHash("sha256").update(input.refundId).digest("hex").slice(0, 14);
      return { providerRefundId: `dev_rfnd_${digest}`, status: "processed" };
    },
    pay(order, options = {}) {
      const paymentId = `dev_pay_${base62(14)}.${order.amount}.${order.currency}${options.fail ? ".failed" : ""}`;
      const event = options.fail ? "payment.failed" : "payment.captured";
      const body = JSON.stringify({
        entity: "event",
        account_id: "acc_dev",
        event,
        contains: ["payment"],
        payload: {
          payment: {
            entity: {
              id: paymentId,
              entity: "payment",
              amount: order.amount,
              currency: order.currency,
              status: options.fail ? "failed" : "captured",
              order_id: order.providerOrderId,
              method: "dev",
              captured: !options.fail,
            },
          },
        },
        created_at: Math.floor(Date.now() / 1000),
      });
      return {
        paymentId,
        signature: razorpayCheckoutSignature(order.providerOrderId, paymentId, secret),
        webhook: {
          body,
          headers: {
            "content-type": "application/json",
            "x-razorpay-signature": sign(body),
            // Sent as Razorpay sends it; never read, since the signature does not cover it.
            "x-razorpay-event-id": `evt_dev_${base62(14)}`,
          },
        },
      };
    },
    sign,
  };
}
